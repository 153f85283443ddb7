// Lay out the diagram (BPMN DI) of process files after an edit outside a modeler, with the modeler's own
// bpmn-auto-layout, so bpmn-js and Camunda Modeler open them drawn:
//   node tools/layout_bpmn.mjs processes/340722/retirement.bpmn [more.bpmn ...]
// The files are rewritten in place; every element, attribute and camunda: extension is kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../modeler/package.json', import.meta.url));
const { layoutProcess } = require('bpmn-auto-layout');

for (const file of process.argv.slice(2)) {
  const xml = readFileSync(file, 'utf8');
  const laidOut = await layoutProcess(xml);
  writeFileSync(file, laidOut.endsWith('\n') ? laidOut : laidOut + '\n');
  console.log(`laid out ${file}`);
}
