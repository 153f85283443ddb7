// DMN editor: dmn-js Modeler (DRD, decision tables, literal expressions) with
// view tabs; read-only versions open in the dmn-js Viewer.
import DmnModeler from 'dmn-js/lib/Modeler';
import DmnViewer from 'dmn-js/lib/NavigatedViewer';

import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression-controls.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css';

import { h } from '../dom.js';
import { DomMarker } from '../validation.js';
import { dmnTranslateModule } from './dmn-translate.js';

// every dmn-js view has its own injector: each gets the Chinese translate service (common options cannot carry it)
const translated = Object.fromEntries(['drd', 'decisionTable', 'literalExpression', 'boxedExpression']
  .map((view) => [view, { additionalModules: [dmnTranslateModule] }]));

export function createDmnView(root, { onChange }) {
  const tabsEl = h('div', { class: 'dmn-tabs', testid: 'dmn-tabs' });
  const editEl = h('div', { class: 'dmn-canvas', testid: 'dmn-canvas' });
  const viewEl = h('div', { class: 'dmn-canvas', testid: 'dmn-readonly-canvas', hidden: true });
  root.append(tabsEl, editEl, viewEl);

  const modeler = new DmnModeler({ container: editEl, common: { keyboard: { bindTo: null } }, ...translated });
  let viewer = null;
  let active = modeler;
  const bound = new WeakSet();

  const marker = new DomMarker(root, (id) => selectorsFor(id));

  modeler.on('views.changed', ({ activeView }) => {
    renderTabs();
    const v = modeler.getActiveViewer();
    if (v && !bound.has(v)) {
      bound.add(v);
      v.on('elements.changed', () => onChange());
    }
    marker.schedule();
    return activeView;
  });

  function renderTabs() {
    const views = active.getViews();
    const current = active.getActiveView();
    tabsEl.replaceChildren(...views.map((v) => h('button', {
      class: `tab${current && v.element === current.element ? ' active' : ''}`,
      testid: `dmn-view-${v.element.id}`,
      onClick: () => active.open(v)
    }, `${v.type === 'drd' ? 'DRD' : v.type === 'decisionTable' ? '▦' : 'ƒ'} ${v.element.name || v.element.id}`)));
  }

  /** CSS selectors of the table cells to mark for an element id (decision, rule, input/output column, cell). */
  function selectorsFor(id) {
    if (!id) return [];
    const esc = CSS.escape(id);
    const out = [`[data-element-id="${esc}"]`, `[data-col-id="${esc}"]`, `[data-row-id="${esc}"]`, `.dmn-tabs [data-testid="dmn-view-${esc}"]`];
    const rule = findInDecisions((d) => (d.decisionLogic?.rule || []).find((r) => r.id === id));
    if (rule) for (const e of [...(rule.inputEntry || []), ...(rule.outputEntry || [])]) out.push(`[data-element-id="${CSS.escape(e.id)}"]`);
    return out;
  }

  function decisions() {
    const defs = active.getDefinitions?.() || active._definitions;
    return (defs?.drgElement || []).filter((e) => e.$type === 'dmn:Decision');
  }

  function findInDecisions(fn) {
    for (const d of decisions()) { const r = fn(d); if (r) return r; }
    return null;
  }

  function decisionContaining(id) {
    return decisions().find((d) => {
      if (d.id === id) return true;
      const logic = d.decisionLogic;
      if (!logic) return false;
      if (logic.id === id) return true;
      const ids = [...(logic.input || []), ...(logic.output || [])].map((c) => c.id);
      for (const r of logic.rule || []) ids.push(r.id, ...(r.inputEntry || []).map((e) => e.id), ...(r.outputEntry || []).map((e) => e.id));
      return ids.includes(id);
    });
  }

  async function open(xml, { readOnly = false } = {}) {
    marker.clear();
    editEl.hidden = readOnly;
    viewEl.hidden = !readOnly;
    if (readOnly && !viewer) {
      viewer = new DmnViewer({ container: viewEl, ...translated });
      viewer.on('views.changed', renderTabs);
      window.modeler.dmnViewer = viewer;
    }
    active = readOnly ? viewer : modeler;
    const result = { warnings: [], error: null, empty: false };
    try {
      const { warnings } = await active.importXML(xml);
      result.warnings = warnings.map((w) => ({ element_id: w.element?.id || null, message: w.message, severity: 'warning', source: 'import' }));
      // Policy staff mostly edit tables: open the first decision table rather than the DRD.
      const table = active.getViews().find((v) => v.type === 'decisionTable');
      if (table) await active.open(table);
      result.empty = active.getViews().length === 0;
    } catch (err) {
      result.error = err.message || String(err);
    }
    renderTabs();
    return result;
  }

  async function getContent() {
    const { xml } = await active.saveXML({ format: true });
    return xml;
  }

  function focus(id) {
    const d = decisionContaining(id);
    const view = d && active.getViews().find((v) => v.element === d && v.type !== 'drd');
    if (view && active.getActiveView()?.element !== d) active.open(view).then(() => marker.apply());
    const el = root.querySelector(selectorsFor(id).join(','));
    el?.scrollIntoView({ block: 'center', inline: 'center' });
  }

  return { kind: 'dmn', instance: modeler, open, getContent, mark: (p) => marker.set(p), focus, get readOnly() { return active !== modeler; } };
}
