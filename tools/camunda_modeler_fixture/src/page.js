// The three editors of Camunda Modeler 5 for the Camunda 7 platform, set up the way the desktop app
// sets them up: the camunda-bpmn-js Camunda Platform modeler (properties panel included), the
// camunda-dmn-js Camunda Platform modeler and the form-js editor, each stamping
// exporter = { name: 'Camunda Modeler', version } on save. generate.py drives them.
import BpmnModeler from 'camunda-bpmn-js/lib/camunda-platform/Modeler';
import AddExporter from '@bpmn-io/add-exporter';
import addExporter from '@bpmn-io/add-exporter/add-exporter';
import { CamundaPlatformModeler as DmnModeler } from 'camunda-dmn-js';
import { FormEditor } from '@bpmn-io/form-js';
import Ids from 'ids';
import modelerDmnModdle from 'modeler-moddle/resources/dmn-modeler.json';

const EXPORTER = { name: 'Camunda Modeler', version: '5.43.1' };
const PLATFORM_VERSION = '7.24.0';
const DEFAULT_HTTL = '180';

// Every element id (bpmn-js, dmn-js, form-js and the templates below) comes from the `ids` package,
// as in Camunda Modeler. Its random digits are drawn here from seeded streams, one per id prefix
// (Activity_, Flow_, Field_, …), so that a re-run writes the same files byte for byte whatever the
// editors draw in between while they render; the format is untouched, only which random ids come out.
function seededRandom(seed) {
  return function() {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const streams = new Map();

function streamFor(prefix) {
  if (!streams.has(prefix)) {
    let seed = 20270101;
    for (const c of prefix) {
      seed = Math.imul(seed ^ c.charCodeAt(0), 16777619);
    }
    streams.set(prefix, seededRandom(seed));
  }
  return streams.get(prefix);
}

const nextId = Ids.prototype.next,
      nextPrefixedId = Ids.prototype.nextPrefixed;

Ids.prototype.next = function(element) {
  const random = Math.random;
  Math.random = streamFor(this._prefix || '');
  try {
    return nextId.call(this, element);
  } finally {
    Math.random = random;
  }
};

Ids.prototype.nextPrefixed = function(prefix, element) {
  this._prefix = prefix;
  try {
    return nextPrefixedId.call(this, prefix, element);
  } finally {
    this._prefix = undefined;
  }
};

// Camunda Modeler fills {{ ID }} in its new-file templates with 7-character base-36 ids.
const ids = new Ids([ 32, 36, 1 ]);
const newId = (prefix) => ids.nextPrefixed(prefix);

function newBpmnDiagram() {
  const process = newId('Process_');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="${newId('Definitions_')}" targetNamespace="http://bpmn.io/schema/bpmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0" exporter="${EXPORTER.name}" exporterVersion="${EXPORTER.version}" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="${PLATFORM_VERSION}">
  <bpmn:process id="${process}" isExecutable="true" camunda:historyTimeToLive="${DEFAULT_HTTL}">
    <bpmn:startEvent id="StartEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${process}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="182" y="162" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

function newDmnDiagram() {
  const decision = newId('Decision_');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="${newId('Definitions_')}" name="DRD" namespace="http://camunda.org/schema/1.0/dmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0" exporter="${EXPORTER.name}" exporterVersion="${EXPORTER.version}" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="${PLATFORM_VERSION}">
  <decision id="${decision}" name="Decision 1">
    <decisionTable id="${newId('DecisionTable_')}">
      <input id="Input_1">
        <inputExpression id="InputExpression_1" typeRef="string">
          <text></text>
        </inputExpression>
      </input>
      <output id="Output_1" typeRef="string" />
    </decisionTable>
  </decision>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram>
      <dmndi:DMNShape dmnElementRef="${decision}">
        <dc:Bounds height="80" width="180" x="160" y="100" />
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>
`;
}

function newForm() {
  return {
    components: [],
    type: 'default',
    id: newId('Form_'),
    executionPlatform: 'Camunda Platform',
    executionPlatformVersion: PLATFORM_VERSION
  };
}

window.fixture = {

  async openBpmn() {
    const modeler = new BpmnModeler({
      container: '#canvas',
      propertiesPanel: { parent: '#properties' },
      exporter: EXPORTER,
      additionalModules: [ AddExporter ]
    });
    await modeler.importXML(newBpmnDiagram());
    window.bpmn = modeler;
    return true;
  },

  async openDmn() {
    // as Camunda Modeler's DMN tab: the Camunda Platform modeler, the modeler: moddle extension and
    // the exporter stamped on the manager's saveXML.start
    const modeler = new DmnModeler({
      container: '#dmn',
      drd: { propertiesPanel: { parent: '#dmn-properties' } },
      moddleExtensions: { modeler: modelerDmnModdle }
    });
    addExporter(EXPORTER, modeler);
    await modeler.importXML(newDmnDiagram());
    window.dmn = modeler;
    return true;
  },

  async openForm() {
    const editor = new FormEditor({ container: document.querySelector('#form'), exporter: EXPORTER });
    await editor.importSchema(newForm());
    window.form = editor;
    return true;
  }
};

// ---- what a user does on the canvas ------------------------------------------------------------

function service(name) {
  return window.bpmn.get(name);
}

Object.assign(window.fixture, {

  // The context pad's "Append …" menu (bpmn-js-create-append-anything): create the shape, auto-place it
  // after the source and connect it. `target` is the menu entry's target, e.g.
  // { type: 'bpmn:IntermediateCatchEvent', eventDefinitionType: 'bpmn:TimerEventDefinition' }.
  append(sourceId, target) {
    const source = service('elementRegistry').get(sourceId);
    const shape = service('elementFactory').create('shape', target);
    const appended = service('autoPlace').append(source, shape);
    return appended.id;
  },

  select(id) {
    service('selection').select(service('elementRegistry').get(id));
  },

  flowBetween(sourceId, targetId) {
    const flow = service('elementRegistry').filter(e => e.type === 'bpmn:SequenceFlow'
      && e.source.id === sourceId && e.target.id === targetId)[0];
    return flow && flow.id;
  },

  processId() {
    return service('canvas').getRootElement().id;
  },

  async saveBpmn() {
    const { xml } = await window.bpmn.saveXML({ format: true });
    return xml;
  }
});

// ---- the DMN editor: DRD view, then the decision table --------------------------------------------

Object.assign(window.fixture, {

  decisionId() {
    const viewer = window.dmn.getActiveViewer();
    return viewer.get('elementRegistry').filter(e => e.type === 'dmn:Decision')[0].id;
  },

  selectDecision(id) {
    const viewer = window.dmn.getActiveViewer();
    viewer.get('selection').select(viewer.get('elementRegistry').get(id));
  },

  // the table icon on the decision in the DRD
  async openDecisionTable() {
    const view = window.dmn.getViews().find(v => v.type === 'decisionTable');
    await window.dmn.open(view);
  },

  // Fill the table as its editors do: the hit policy cell, the input / output column editors
  // (label, expression, type), "+" for each further column and rule, then each cell.
  fillDecisionTable({ hitPolicy, inputs, outputs, rules }) {
    const viewer = window.dmn.getActiveViewer();
    const modeling = viewer.get('modeling');
    const actions = viewer.get('editorActions');
    const table = viewer.get('sheet').getRoot().businessObject;

    modeling.editHitPolicy(hitPolicy, undefined);
    inputs.forEach((input, i) => {
      if (i >= table.input.length) {
        actions.trigger('addInput');
      }
      modeling.updateProperties(table.input[i], {
        label: input.label,
        inputExpression: { text: input.expression, typeRef: input.typeRef }
      });
    });
    outputs.forEach((output, i) => {
      if (i >= table.output.length) {
        actions.trigger('addOutput');
      }
      modeling.updateProperties(table.output[i], { label: output.label, name: output.name, typeRef: output.typeRef });
    });
    rules.forEach((rule, r) => {
      actions.trigger('addRule');
      const added = table.rule[r];
      rule.inputs.forEach((text, i) => modeling.editCell(added.inputEntry[i], text));
      rule.outputs.forEach((text, i) => modeling.editCell(added.outputEntry[i], text));
      if (rule.annotation) {
        modeling.editAnnotation(added, rule.annotation);
      }
    });
  },

  async saveDmn() {
    const { xml } = await window.dmn.saveXML({ format: true });
    return xml;
  }
});

// ---- the form editor ------------------------------------------------------------------------------

Object.assign(window.fixture, {

  // Drag a component from the palette below the last one (what the editor's drop handler,
  // createNewField, does: a new row), then set its properties in the panel. Returns the field's id.
  addFormField(type, properties) {
    const editor = window.form;
    const modeling = editor.get('modeling');
    const root = editor.get('formFieldRegistry').getAll().find(f => f.type === 'default');
    const attrs = {
      type,
      _parent: root.id,
      layout: { row: editor.get('formLayouter').nextRowId(), columns: null }
    };
    const field = modeling.addFormField(attrs, root, root.components.length);
    for (const [ key, value ] of Object.entries(properties)) {
      modeling.editFormField(field, key, value);
    }
    return field.id;
  },

  // the form's own properties (General: ID)
  editForm(properties) {
    const editor = window.form;
    const root = editor.get('formFieldRegistry').getAll().find(f => f.type === 'default');
    for (const [ key, value ] of Object.entries(properties)) {
      editor.get('modeling').editFormField(root, key, value);
    }
  },

  // Camunda Modeler writes JSON.stringify(schema, null, 2)
  saveForm() {
    return JSON.stringify(window.form.saveSchema(), null, 2);
  }
});
