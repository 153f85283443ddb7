import { defineConfig } from 'vite';
import bpmnlint from 'rollup-plugin-bpmnlint';

// One front end for every page: each HTML file here is an entry; they share src/shell (API client, login,
// texts, components). Built into the Flask app's static folder; assets under /modeler/assets/, and Flask
// serves /modeler, /inbox, /apply, /progress, /console, /reports from the built HTML files.
export const PAGES = ['index', 'inbox', 'apply', 'progress', 'console', 'reports'];

export default defineConfig({
  base: '/modeler/',
  plugins: [bpmnlint()],
  build: {
    outDir: '../api/static/modeler',
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    rolldownOptions: {
      input: Object.fromEntries(PAGES.map((p) => [p, new URL(`./${p}.html`, import.meta.url).pathname]))
    }
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:5199' }
  }
});
