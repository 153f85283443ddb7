import { defineConfig } from 'vite';
import bpmnlint from 'rollup-plugin-bpmnlint';

// Built into the Flask app's static folder; served at /modeler.
export default defineConfig({
  base: '/modeler/',
  plugins: [bpmnlint()],
  build: {
    outDir: '../api/static/modeler',
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:5199' }
  }
});
