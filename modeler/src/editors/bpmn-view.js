// BPMN editor: bpmn-js Modeler with the Camunda 7 properties panel and bpmnlint
// (recommended rules, compiled from ../../.bpmnlintrc at build time).
// Read-only versions open in a NavigatedViewer.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import lintModule from 'bpmn-js-bpmnlint';
import bpmnlintConfig from '../../.bpmnlintrc';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';

import { h } from '../dom.js';
import { translateModule } from './bpmn-translate.js';

const EMPTY_DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="Definitions_empty" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Process_empty" isExecutable="false" />
  <bpmndi:BPMNDiagram id="BPMNDiagram_empty"><bpmndi:BPMNPlane id="BPMNPlane_empty" bpmnElement="Process_empty" /></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const importWarning = (w) => ({ element_id: w.element?.id || null, message: w.message, severity: 'warning', source: 'import' });

export function createBpmnView(root, { onChange, onLint }) {
  const canvasEl = h('div', { class: 'bpmn-canvas', testid: 'bpmn-canvas' });
  const propsEl = h('div', { class: 'properties-panel', testid: 'bpmn-properties' });
  const editEl = h('div', { class: 'bpmn-edit' }, canvasEl, propsEl);
  const viewEl = h('div', { class: 'bpmn-readonly', testid: 'bpmn-readonly-canvas', hidden: true });
  root.append(editEl, viewEl);

  const modeler = new BpmnModeler({
    container: canvasEl,
    propertiesPanel: { parent: propsEl },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      lintModule,
      translateModule
    ],
    moddleExtensions: { camunda: camundaModdle },
    linting: { bpmnlint: bpmnlintConfig, active: true }
  });
  let viewer = null;
  let active = modeler;
  let marked = [];

  modeler.on('commandStack.changed', () => onChange());
  let placeholder = false; // an empty diagram stands in for a file that could not be shown
  modeler.on('linting.completed', ({ issues }) => {
    if (active !== modeler) return;
    if (placeholder) return onLint([]);
    const flat = [];
    for (const list of Object.values(issues)) {
      for (const issue of list) {
        flat.push({
          element_id: issue.actualElementId || issue.id,
          message: `${issue.message} (${issue.rule})`,
          severity: issue.category === 'error' ? 'error' : 'warning',
          source: 'lint'
        });
      }
    }
    onLint(flat);
  });

  function resolve(id) {
    if (!id) return null;
    const registry = active.get('elementRegistry');
    const direct = registry.get(id);
    if (direct) return direct;
    // ids of nested model elements (event definitions, loop characteristics, the process) map to their shape
    return registry.find((el) => {
      const bo = el.businessObject;
      if (!bo) return false;
      if (bo.processRef && bo.processRef.id === id) return true;
      if ((bo.eventDefinitions || []).some((d) => d.id === id)) return true;
      if (bo.loopCharacteristics && bo.loopCharacteristics.id === id) return true;
      return false;
    }) || (active.get('canvas').getRootElement().businessObject?.id === id ? active.get('canvas').getRootElement() : null);
  }

  async function open(xml, { readOnly = false } = {}) {
    clearMarks();
    editEl.hidden = readOnly;
    viewEl.hidden = !readOnly;
    if (readOnly && !viewer) {
      viewer = new NavigatedViewer({ container: viewEl, moddleExtensions: { camunda: camundaModdle } });
      window.modeler.bpmnViewer = viewer;
    }
    active = readOnly ? viewer : modeler;
    if (!readOnly) onLint([]);
    const result = { warnings: [], error: null, empty: false };
    // Parse first: a file that does not parse, or has no diagram (DI), is never handed to the
    // modeler (the properties panel cannot render a root without a diagram); an empty diagram is shown.
    try {
      const { rootElement, warnings } = await active.get('moddle').fromXML(xml, 'bpmn:Definitions');
      const hasDi = (rootElement.diagrams || []).some((d) => d.plane && d.plane.bpmnElement);
      if (!hasDi) {
        // No diagram interchange (as in files written by hand): lay the process out automatically.
        try {
          const { layoutProcess } = await import('bpmn-auto-layout');
          xml = await layoutProcess(xml);
          result.autoLayout = true;
        } catch (err) {
          result.noDi = true;
          result.error = `no BPMN DI (BPMNDiagram) to display; automatic layout failed: ${err.message}`;
          result.warnings = warnings.map(importWarning);
        }
      }
    } catch (err) {
      result.error = err.message || String(err);
      result.warnings = (err.warnings || []).map(importWarning);
    }
    placeholder = !!result.error;
    if (result.error) {
      await active.importXML(EMPTY_DIAGRAM).catch(() => {});
      return result;
    }
    try {
      const { warnings } = await active.importXML(xml);
      result.warnings = warnings.map(importWarning);
      const canvas = active.get('canvas');
      canvas.resized();
      const shapes = active.get('elementRegistry').filter((e) => e !== canvas.getRootElement() && !e.labelTarget);
      result.empty = shapes.length === 0;
      if (!result.empty) fit(canvas, readOnly ? 20 : 130);
    } catch (err) {
      result.error = err.message || String(err);
      result.warnings = (err.warnings || []).map(importWarning);
      placeholder = true;
      await active.importXML(EMPTY_DIAGRAM).catch(() => {});
    }
    return result;
  }

  /** Fit the diagram into the viewport, leaving `left` pixels free for the palette. */
  function fit(canvas, left) {
    const { inner, outer } = canvas.viewbox();
    if (!inner.width || !inner.height) return canvas.zoom('fit-viewport', 'auto');
    const pad = 24;
    const scale = Math.min((outer.width - left - pad) / inner.width, (outer.height - 2 * pad) / inner.height, 1);
    const width = outer.width / scale;
    const height = outer.height / scale;
    canvas.viewbox({
      x: inner.x - (left + ((outer.width - left) - inner.width * scale) / 2) / scale,
      y: inner.y - ((outer.height - inner.height * scale) / 2) / scale,
      width,
      height
    });
  }

  async function getContent() {
    const { xml } = await active.saveXML({ format: true });
    return xml;
  }

  function clearMarks() {
    const canvas = active.get('canvas');
    const overlays = active.get('overlays');
    overlays.remove({ type: 'validation' });
    for (const { id, cls } of marked) {
      if (active.get('elementRegistry').get(id)) canvas.removeMarker(id, cls);
    }
    marked = [];
  }

  /** Mark every problem's element: a marker class, plus an overlay with the message for non-lint problems. */
  function mark(problems) {
    clearMarks();
    const canvas = active.get('canvas');
    const overlays = active.get('overlays');
    const byElement = new Map();
    for (const p of problems) {
      const el = resolve(p.element_id);
      if (!el) continue;
      if (!byElement.has(el.id)) byElement.set(el.id, []);
      byElement.get(el.id).push(p);
    }
    for (const [id, list] of byElement) {
      const severity = list.some((p) => p.severity === 'error') ? 'error' : 'warning';
      const cls = `validation-${severity}`;
      canvas.addMarker(id, cls);
      marked.push({ id, cls });
      const own = list.filter((p) => p.source !== 'lint');
      if (own.length && id !== canvas.getRootElement().id) {
        overlays.add(id, 'validation', {
          position: { bottom: -6, left: 0 },
          html: h('div', { class: `validation-overlay ${cls}`, testid: `marker-${id}`, title: own.map((p) => p.message).join('\n') },
            own.map((p) => p.message).join('；'))
        });
      }
    }
  }

  function focus(id) {
    const el = resolve(id);
    if (!el) return;
    const canvas = active.get('canvas');
    if (el !== canvas.getRootElement()) {
      canvas.scrollToElement(el);
      if (active === modeler) modeler.get('selection').select(el);
    }
  }

  return { kind: 'bpmn', instance: modeler, open, getContent, mark, focus, get readOnly() { return active !== modeler; } };
}
