// Form editor: the form-js FormEditor (palette, canvas, properties panel);
// read-only versions render in the form-js viewer with readOnly set.
import { FormEditor, Form } from '@bpmn-io/form-js';

import '@bpmn-io/form-js/dist/assets/form-js.css';
import '@bpmn-io/form-js/dist/assets/form-js-editor.css';
import '@bpmn-io/form-js/dist/assets/properties-panel.css';

import { h } from '../dom.js';
import { DomMarker } from '../validation.js';
import { translateFormEditor } from './form-translate.js';

export function createFormView(root, { onChange }) {
  const editEl = h('div', { class: 'form-canvas', testid: 'form-canvas' });
  const viewEl = h('div', { class: 'form-canvas form-readonly', testid: 'form-readonly-canvas', hidden: true });
  root.append(editEl, viewEl);

  const editor = new FormEditor({ container: editEl });
  translateFormEditor(editEl);   // palette and properties panel in Chinese (English when switched)
  editor.on('changed', () => onChange());
  let viewer = null;
  let readOnly = false;
  let schema = null;

  const marker = new DomMarker(root, (id) => {
    if (!id) return [];
    const byKey = (schemaOf().components || []).flatMap(function walk(c) { return [c, ...(c.components || []).flatMap(walk)]; })
      .filter((c) => c.key === id || c.path === id).map((c) => c.id);
    return [id, ...byKey].map((x) => `[data-id="${CSS.escape(x)}"]`);
  });

  const schemaOf = () => (readOnly ? schema : editor.saveSchema()) || {};

  async function open(text, { readOnly: ro = false } = {}) {
    marker.clear();
    readOnly = ro;
    editEl.hidden = ro;
    viewEl.hidden = !ro;
    const result = { warnings: [], error: null, empty: false };
    try {
      schema = JSON.parse(text);
    } catch (err) {
      result.error = `JSON: ${err.message}`;
      return result;
    }
    try {
      if (ro) {
        if (!viewer) {
          viewer = new Form({ container: viewEl, properties: { readOnly: true } });
          window.modeler.formViewer = viewer;
        }
        const { warnings } = await viewer.importSchema(schema);
        result.warnings = warnings;
      } else {
        const { warnings } = await editor.importSchema(schema);
        result.warnings = warnings;
      }
      result.warnings = result.warnings.map((w) => ({ element_id: null, message: w.message || String(w), severity: 'warning', source: 'import' }));
      result.empty = !(schema.components || []).length;
    } catch (err) {
      result.error = err.message || String(err);
    }
    return result;
  }

  async function getContent() {
    return JSON.stringify(readOnly ? schema : editor.saveSchema(), null, 2);
  }

  function focus(id) {
    const el = root.querySelector(`[data-id="${CSS.escape(id || '')}"]`);
    el?.scrollIntoView({ block: 'center' });
    if (!readOnly && id) {
      const field = editor.get('formFieldRegistry').get(id);
      if (field) editor.get('selection').set(field);
    }
  }

  return { kind: 'form', instance: editor, open, getContent, mark: (p) => marker.set(p), focus, get readOnly() { return readOnly; } };
}
