// The modeler shell: login, locality tree, definition list, toolbar, editor host
// and problems panel. Editors are created on first use (DMN and form code is
// loaded on demand) and exposed as window.modeler = {bpmn, dmn, form} for tests.
import './style.css';
import { api, session, setUnauthorizedHandler, ApiError } from './api.js';
import { h, toast, confirmDialog, errorMessage } from './dom.js';
import { t, getLang, setLang, onLangChange, formatDate } from './i18n.js';
import { buildTree, renderTree } from './locality-tree.js';
import { renderDefinitionList } from './definition-list.js';
import { renderProblems } from './validation.js';
import { askDeployNote } from './deploy-dialog.js';
import { showVersions } from './versions-dialog.js';
import { showMigration } from './migration-dialog.js';
import { createBpmnView } from './editors/bpmn-view.js';

window.modeler = { bpmn: null, dmn: null, form: null };

const ALLOWED_ROLES = ['policy', 'admin'];

const state = {
  user: null,
  tree: { roots: [], byCode: new Map() },
  selected: null,
  defs: [],
  drafts: [],
  doc: null, // {def, kind, key, fileName, locality, readOnly, draft, fromDraft}
  problems: { server: [], lint: [], import: [] },
  status: null,
  dirty: false,
  message: null // {kind: 'error'|'info', text}
};

const views = {};
const ui = {};

// ---------------------------------------------------------------- shell

function mountLogin(error) {
  const username = h('input', { testid: 'login-username', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', testid: 'login-password', autocomplete: 'current-password', required: true });
  const err = h('p', { class: 'error', testid: 'login-error', hidden: !error }, error || '');
  const form = h('form', {
    class: 'login', testid: 'login-form',
    onSubmit: async (e) => {
      e.preventDefault();
      err.hidden = true;
      try {
        const res = await api.login(username.value.trim(), password.value);
        if (!ALLOWED_ROLES.includes(res.user?.role)) throw new Error(t('login.forbidden'));
        session.save(res.token, res.user, res.refresh_token);
        await start();
      } catch (ex) {
        err.textContent = ex instanceof ApiError ? t('login.failed', { message: errorMessage(ex) }) : ex.message;
        err.hidden = false;
      }
    }
  },
  h('h1', {}, t('app.title')),
  h('h2', {}, t('login.title')),
  h('label', {}, t('login.username'), username),
  h('label', {}, t('login.password'), password),
  err,
  h('div', { class: 'actions' },
    langButton(),
    h('button', { class: 'primary', type: 'submit', testid: 'login-submit' }, t('login.submit'))));
  document.getElementById('app').replaceChildren(form, h('div', { id: 'toasts' }));
  username.focus();
}

function langButton() {
  return h('button', {
    type: 'button', class: 'lang', testid: 'lang-toggle',
    onClick: () => setLang(getLang() === 'zh' ? 'en' : 'zh')
  }, t('lang.toggle'));
}

function mountShell() {
  ui.header = h('header', { class: 'topbar' });
  ui.tree = h('nav', { class: 'pane tree-pane', testid: 'tree-pane' });
  ui.list = h('aside', { class: 'pane list-pane', testid: 'list-pane' });
  ui.toolbar = h('div', { class: 'toolbar', testid: 'toolbar' });
  ui.banner = h('div', { class: 'banner', testid: 'editor-banner' });
  ui.message = h('div', { class: 'import-message', testid: 'import-message', hidden: true });
  ui.placeholder = h('div', { class: 'placeholder', testid: 'editor-placeholder' });
  ui.hosts = {
    bpmn: h('div', { class: 'editor-host', testid: 'editor-bpmn', hidden: true }),
    dmn: h('div', { class: 'editor-host', testid: 'editor-dmn', hidden: true }),
    form: h('div', { class: 'editor-host', testid: 'editor-form', hidden: true })
  };
  ui.problems = h('section', { class: 'problems', testid: 'problems-panel' });
  ui.main = h('main', { class: 'editor-pane', testid: 'editor-pane', 'data-editor-state': 'none' },
    ui.toolbar, ui.banner, ui.message,
    h('div', { class: 'editor-area' }, ui.placeholder, ui.hosts.bpmn, ui.hosts.dmn, ui.hosts.form),
    ui.problems);
  document.getElementById('app').replaceChildren(
    ui.header,
    h('div', { class: 'layout' }, ui.tree, ui.list, ui.main),
    h('div', { id: 'toasts' }));
  renderAll();
}

function renderAll() {
  document.title = t('app.title');
  renderHeader();
  renderTreePane();
  renderList();
  renderToolbar();
  renderBanner();
  renderProblemPanel();
  ui.placeholder.textContent = t('editor.none');
}

function renderHeader() {
  const u = state.user;
  ui.header.replaceChildren(
    h('h1', {}, t('app.title')),
    h('span', { class: 'spacer' }),
    h('span', { class: 'user', testid: 'current-user' }, `${u.username} · ${u.role} · ${localityName(u.locality)}`),
    langButton(),
    h('button', { testid: 'btn-logout', onClick: logout }, t('logout')));
}

function renderTreePane() {
  renderTree(ui.tree, { roots: state.tree.roots, selected: state.selected, onSelect: guard(selectLocality) });
}

function renderList() {
  renderDefinitionList(ui.list, {
    defs: state.defs,
    drafts: state.drafts,
    selected: state.selected,
    current: state.doc,
    localityName,
    onOpen: guard((d) => openDefinition(d)),
    onOpenFile: guard(openLocalFile)
  });
}

function localityName(code) {
  return state.tree.byCode.get(code)?.name || code || '';
}

// ---------------------------------------------------------------- toolbar

function renderToolbar() {
  const doc = state.doc;
  const editable = doc && !doc.readOnly && !doc.failed;
  const def = doc?.def;
  const selectedLevel = state.tree.byCode.get(state.selected)?.level;
  const btn = (testid, label, onClick, enabled, extra = {}) =>
    h('button', { testid, onClick: guard(onClick), disabled: !enabled, ...extra }, label);
  ui.toolbar.replaceChildren(...[
    btn('btn-save-draft', t('btn.saveDraft'), saveDraft, editable),
    btn('btn-validate', t('btn.validate'), validate, editable),
    btn('btn-deploy', t('btn.deploy'), deploy, editable, { class: 'primary' }),
    h('span', { class: 'sep' }),
    btn('btn-adapt', t('btn.adapt'), adapt, !!(def && def.inherited && !doc.readOnly && state.selected !== def.locality && selectedLevel !== 'national')),
    btn('btn-drop-override', t('btn.dropOverride'), dropOverride, !!(def && def.overridden && def.locality === state.selected && !doc.readOnly)),
    h('span', { class: 'sep' }),
    btn('btn-versions', t('btn.versions'), versions, !!def),
    btn('btn-migrate', t('btn.migrate'), migrate, !!(def && doc.kind === 'bpmn')),
    doc?.readOnly ? btn('btn-back-to-edit', t('btn.backToEdit'), backToEdit, true) : null,
    h('span', { class: 'spacer' }),
    btn('btn-download', t('btn.download'), download, !!doc)].filter(Boolean));
}

/** Wrap a toolbar action: report errors as a toast instead of an uncaught rejection. */
function guard(fn) {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      console.error(err);
      toast(t('error.generic', { message: errorMessage(err) }), 'error');
    }
  };
}

function renderBanner() {
  const doc = state.doc;
  const parts = [];
  if (doc) {
    parts.push(h('span', { class: 'target', testid: 'editor-target' },
      t('editor.target', { locality: localityName(doc.locality), file: doc.fileName, version: doc.def ? doc.def.version : '—' })));
    if (state.dirty) parts.push(h('span', { class: 'dirty', testid: 'dirty-flag' }, '●'));
    if (doc.readOnly) parts.push(h('span', { class: 'note readonly', testid: 'readonly-banner' },
      t('editor.readOnly', { name: doc.def.name || doc.def.key, version: doc.def.version, date: formatDate(doc.def.deployed_at) })));
    else if (doc.def?.inherited && doc.def.locality !== state.selected) parts.push(h('span', { class: 'note', testid: 'inherited-banner' },
      t('editor.inherited', { locality: localityName(doc.def.locality) })));
    else if (!doc.def) parts.push(h('span', { class: 'note' }, t('editor.localFile', { name: doc.fileName, locality: localityName(doc.locality) })));
    if (doc.fromDraft) parts.push(h('span', { class: 'note', testid: 'draft-opened' }, t('editor.draftOpened', { date: formatDate(doc.fromDraft.updated_at) })));
    else if (doc.draft && !doc.readOnly) parts.push(h('span', { class: 'note', testid: 'draft-available' },
      t('editor.draftAvailable', { author: doc.draft.author || '', date: formatDate(doc.draft.updated_at) }), ' ',
      h('button', { testid: 'btn-open-draft', onClick: guard(openDraft) }, t('btn.openDraft')), ' ',
      h('button', { testid: 'btn-discard-draft', onClick: guard(discardDraft) }, t('btn.discardDraft'))));
  }
  ui.banner.replaceChildren(...parts);
}

function setMessage(message) {
  state.message = message;
  ui.message.hidden = !message;
  ui.message.className = `import-message ${message ? `import-${message.kind}` : ''}`;
  ui.message.textContent = message ? message.text : '';
}

// ---------------------------------------------------------------- problems

let problemsTimer = null;
function renderProblemPanel() {
  clearTimeout(problemsTimer);
  problemsTimer = null;
  const all = allProblems();
  renderProblems(ui.problems, all, { status: state.status, onPick: (p) => currentView()?.focus(p.element_id) });
  currentView()?.mark(all);
}

function scheduleProblems() {
  if (!problemsTimer) problemsTimer = setTimeout(renderProblemPanel, 50);
}

function allProblems() {
  const file = state.doc?.fileName;
  const { server, lint, import: imp } = state.problems;
  return [...server, ...lint, ...imp].map((p) => ({ ...p, file: p.file || file }));
}

function currentView() {
  return state.doc ? views[state.doc.kind] : null;
}

// ---------------------------------------------------------------- editors

async function getView(kind) {
  if (views[kind]) return views[kind];
  const host = ui.hosts[kind];
  const onChange = () => {
    if (!state.dirty) { state.dirty = true; renderBanner(); }
  };
  if (kind === 'bpmn') {
    views.bpmn = createBpmnView(host, {
      onChange,
      onLint: (findings) => { state.problems.lint = findings; scheduleProblems(); }
    });
  } else if (kind === 'dmn') {
    const { createDmnView } = await import('./editors/dmn-view.js');
    views.dmn = createDmnView(host, { onChange });
  } else {
    const { createFormView } = await import('./editors/form-view.js');
    views.form = createFormView(host, { onChange });
  }
  window.modeler[kind] = views[kind].instance;
  return views[kind];
}

function kindOfFile(name, content) {
  if (/\.dmn$/i.test(name)) return 'dmn';
  if (/\.(form|json)$/i.test(name)) return 'form';
  if (/\.xml$/i.test(name) && /dmn\/\d+|DMN\/\d+/.test(content.slice(0, 2000))) return 'dmn';
  return 'bpmn';
}

/** Show `content` in the editor for doc.kind; reports import errors and warnings instead of throwing. */
async function showDocument(doc, content) {
  state.doc = doc;
  state.dirty = false;
  state.status = null;
  state.problems = { server: [], lint: [], import: [] };
  setMessage(null);
  ui.main.dataset.editorState = `${doc.kind}:loading`;
  ui.placeholder.hidden = true;
  for (const [kind, host] of Object.entries(ui.hosts)) host.hidden = kind !== doc.kind;
  renderToolbar();
  renderBanner();
  renderList();
  const view = await getView(doc.kind);
  const result = await view.open(content, { readOnly: doc.readOnly });
  if (state.doc !== doc) return; // another document was opened meanwhile
  state.problems.import = result.warnings;
  state.dirty = false;
  if (result.error) {
    setMessage({ kind: 'error', text: result.noDi ? t('import.noDi', { file: doc.fileName }) : t('import.failed', { file: doc.fileName, message: result.error }) });
    doc.failed = true;
    state.problems.lint = [];
    renderToolbar();
    ui.main.dataset.editorState = `${doc.kind}:error`;
  } else {
    if (result.empty && doc.kind === 'bpmn') setMessage({ kind: 'error', text: t('import.noDi', { file: doc.fileName }) });
    else if (result.autoLayout) setMessage({ kind: 'info', text: t('import.autoLayout', { file: doc.fileName }) });
    else if (result.warnings.length) setMessage({ kind: 'info', text: t('import.warnings', { n: result.warnings.length }) });
    ui.main.dataset.editorState = `${doc.kind}:ready`;
  }
  renderBanner();
  renderProblemPanel();
}

/** Ask before dropping unsaved edits. Marks the editor as loading at once (tests wait on that state). */
async function confirmDiscard() {
  const previous = ui.main.dataset.editorState;
  ui.main.dataset.editorState = 'loading';
  if (!state.dirty || state.doc?.readOnly) return true;
  const ok = await confirmDialog(t('confirm.unsaved'), 'confirm-discard');
  if (!ok) ui.main.dataset.editorState = previous;
  return ok;
}

async function openDefinition(meta, { readOnly = false } = {}) {
  if (!(await confirmDiscard())) return;
  let def;
  try {
    def = await api.definition(meta.id);
  } catch (err) {
    ui.main.dataset.editorState = state.doc ? `${state.doc.kind}:ready` : 'none';
    throw err;
  }
  // keep the effective-list flags (inherited / overridden) of the entry we came from
  const merged = { ...def, inherited: meta.inherited ?? def.inherited, overridden: meta.overridden ?? def.overridden };
  delete merged.content;
  const draft = readOnly ? null : state.drafts.find((d) => d.file_name === def.file_name && d.locality === def.locality) || null;
  await showDocument({
    def: merged, kind: def.kind, key: def.key, fileName: def.file_name, locality: def.locality, readOnly, draft
  }, def.content);
}

async function openLocalFile(file) {
  if (!(await confirmDiscard())) return;
  const content = await file.text();
  const kind = kindOfFile(file.name, content);
  await showDocument({
    def: null, kind, key: null, fileName: file.name, locality: state.selected || state.user.locality, readOnly: false, draft: null
  }, content);
}

// ---------------------------------------------------------------- actions

async function selectLocality(code) {
  state.selected = code;
  renderTreePane();
  await reloadList();
}

async function reloadList() {
  const code = state.selected;
  const [defs, drafts] = await Promise.all([
    api.effective(code),
    api.drafts(code).catch(() => ({ items: [] }))
  ]);
  if (state.selected !== code) return;
  state.defs = defs.items;
  state.drafts = drafts.items || [];
  renderList();
  return defs.items;
}

async function saveDraft() {
  const doc = state.doc;
  const content = await currentView().getContent();
  const draft = await api.saveDraft(doc.locality, doc.fileName, content);
  doc.draft = draft;
  doc.fromDraft = draft;
  state.dirty = false;
  toast(t('draft.saved'), 'success');
  if (doc.locality === state.selected) await reloadList();
  renderBanner();
}

async function openDraft() {
  const doc = state.doc;
  const draft = await api.draft(doc.draft.id);
  await showDocument({ ...doc, fromDraft: draft }, draft.content);
}

async function discardDraft() {
  const doc = state.doc;
  await api.deleteDraft(doc.draft.id);
  doc.draft = null;
  doc.fromDraft = null;
  toast(t('draft.deleted'), 'success');
  await reloadList();
  renderBanner();
}

async function validate() {
  const doc = state.doc;
  const content = await currentView().getContent();
  const res = await api.validate(doc.locality, [{ name: doc.fileName, content }]);
  state.problems.server = (res.problems || []).map((p) => ({ ...p, source: 'server' }));
  state.status = res.valid ? 'valid' : 'invalid';
  renderProblemPanel();
  ui.problems.dataset.round = Number(ui.problems.dataset.round || 0) + 1;
  toast(t(res.valid ? 'problems.valid' : 'problems.invalid'), res.valid ? 'success' : 'error');
}

async function deploy() {
  const doc = state.doc;
  const content = await currentView().getContent();
  const note = await askDeployNote({ localityName: localityName(doc.locality), fileName: doc.fileName });
  if (!note) return;
  let res;
  try {
    res = await api.deploy(doc.locality, [{ name: doc.fileName, content }], note);
  } catch (err) {
    if (err instanceof ApiError && err.status === 422 && err.body.problems) {
      state.problems.server = err.body.problems.map((p) => ({ ...p, source: 'server' }));
      state.status = 'invalid';
      renderProblemPanel();
      toast(t('deploy.rejected'), 'error');
      return;
    }
    throw err;
  }
  const deployed = res.deployed?.[0];
  const unchanged = res.unchanged?.[0];
  const def = deployed || unchanged;
  if (deployed) toast(t('deploy.done', { name: deployed.name || deployed.key, version: deployed.version }), 'success');
  else if (unchanged) toast(t('deploy.unchanged', { version: unchanged.version }), 'info');
  if (doc.draft) await api.deleteDraft(doc.draft.id).catch(() => {});
  state.problems.server = [];
  state.status = 'valid';
  state.dirty = false;
  const list = doc.locality === state.selected ? await reloadList() : null;
  if (def) {
    const entry = list?.find((d) => d.kind === def.kind && d.key === def.key);
    Object.assign(doc, { def: { ...def, inherited: entry ? entry.inherited : doc.def?.inherited ?? false, overridden: entry ? entry.overridden : doc.def?.overridden ?? false }, key: def.key, draft: null, fromDraft: null });
  }
  renderToolbar();
  renderBanner();
  renderList();
  renderProblemPanel();
}

async function adapt() {
  const def = state.doc.def;
  const code = state.selected;
  if (!(await confirmDialog(t('adapt.confirm', { name: def.name || def.key, locality: localityName(code) }), 'confirm-adapt'))) return;
  const copy = await api.adapt(code, def.id);
  toast(t('adapt.done', { locality: localityName(code), name: copy.name || copy.key, version: copy.version }), 'success');
  const list = await reloadList();
  state.dirty = false;
  await openDefinition(list.find((d) => d.kind === copy.kind && d.key === copy.key) || copy);
}

async function dropOverride() {
  const def = state.doc.def;
  const code = state.selected;
  if (!(await confirmDialog(t('drop.confirm', { name: def.name || def.key, locality: localityName(code) }), 'confirm-drop'))) return;
  await api.dropOverride(code, def.kind, def.key);
  toast(t('drop.done'), 'success');
  const list = await reloadList();
  state.dirty = false;
  const inherited = list.find((d) => d.kind === def.kind && d.key === def.key);
  if (inherited) await openDefinition(inherited);
}

async function versions() {
  await showVersions({
    def: state.doc.def,
    localityName,
    onOpenReadOnly: (d) => guard(() => openDefinition(d, { readOnly: true }))()
  });
}

async function backToEdit() {
  const def = state.doc.def;
  const entry = state.defs.find((d) => d.kind === def.kind && d.key === def.key);
  await openDefinition(entry || def);
}

async function migrate() {
  await showMigration({ def: state.doc.def });
}

async function download() {
  const content = await currentView().getContent();
  const a = h('a', { href: URL.createObjectURL(new Blob([content], { type: 'text/plain' })), download: state.doc.fileName });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function logout() {
  session.clear();
  location.reload();
}

// ---------------------------------------------------------------- start

async function start() {
  state.user = session.user;
  const { items } = await api.localities();
  state.tree = buildTree(items);
  mountShell();
  const home = state.tree.byCode.has(state.user.locality) ? state.user.locality : state.tree.roots[0]?.code;
  if (home) await selectLocality(home);
}

setUnauthorizedHandler(() => {
  session.clear();
  mountLogin(t('error.session'));
});

onLangChange(() => {
  if (state.user && ui.header) renderAll();
  else mountLogin();
});

window.addEventListener('beforeunload', (e) => {
  if (state.dirty && !state.doc?.readOnly) e.preventDefault();
});

document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
if (session.token && session.user) {
  start().catch((err) => {
    console.error(err);
    if (!(err instanceof ApiError && err.status === 401)) mountLogin(errorMessage(err));
  });
} else {
  mountLogin();
}
