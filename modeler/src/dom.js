// The modeler uses the shared shell's DOM helpers.
export * from './shell/dom.js';
