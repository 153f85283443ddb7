// /console — the operator's console (admin, auditor; their locality subtree): a dashboard, the incidents with their
// error and the stack's last lines (retry one or many), search by business key / ID number / name, and a case view
// (console-case.js). Hash routes: #/ (dashboard), #/incidents, #/case/<id>.
import { startPage } from '../shell/page.js';
import { h, toast, errorMessage } from '../shell/dom.js';
import { t, addTexts, formatDate } from '../shell/i18n.js';
import { badge } from '../shell/header.js';
import { caseView } from './console-case.js';
import { consoleTexts } from './console-texts.js';
import './console.css';

addTexts(consoleTexts);

let stopCurrent = () => {};

function nav(active) {
  const link = (href, key, id) => h('a', { href, class: active === id ? 'active' : '', 'aria-current': active === id ? 'page' : null, testid: `nav-${id}` }, t(key));
  return h('nav', { class: 'cv-nav', 'aria-label': t('console.nav') },
    link('#/', 'console.dashboard', 'dashboard'), link('#/incidents', 'console.incidents', 'incidents'));
}

function searchBox(client, into) {
  const input = h('input', { id: 'cv-search', type: 'search', maxlength: 60, testid: 'search-input', autocomplete: 'off' });
  const results = h('div', { class: 'cv-search-results', testid: 'search-results', 'aria-live': 'polite' });
  const go = async (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (q.length < 2) { results.replaceChildren(h('p', { class: 'muted' }, t('search.short'))); return; }
    try {
      const found = await client.post('/instances/search', { q });
      results.replaceChildren(found.items.length === 0 ? h('p', { class: 'muted' }, t('search.none')) :
        h('table', { class: 'list' },
          h('caption', { class: 'muted' }, t('search.results', { n: found.items.length }), ' ', t('search.audited')),
          h('thead', {}, h('tr', {}, ...['col.key', 'col.person', 'col.id', 'col.process', 'col.state', 'col.started'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, found.items.map((it) => h('tr', {},
            h('td', {}, h('a', { href: `#/case/${it.instance_id}`, testid: 'search-hit' }, it.business_key)),
            h('td', {}, it.name_masked || '—'), h('td', {}, it.id_number_masked || '—'), h('td', {}, it.process_key),
            h('td', {}, it.state_label || it.state), h('td', {}, formatDate(it.started_at)))))));
    } catch (err) {
      results.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorMessage(err)));
    }
  };
  into.append(h('form', { class: 'cv-search', role: 'search', onSubmit: go },
    h('label', { for: 'cv-search' }, t('search.label')),
    h('div', { class: 'row' }, input, h('button', { type: 'submit', class: 'primary', testid: 'search-go' }, t('search.go')))),
  results);
}

function stat(label, value, kind, testid) {
  return h('div', { class: `cv-stat cv-stat-${kind}`, testid }, h('div', { class: 'cv-stat-value' }, String(value)), h('div', { class: 'cv-stat-label' }, label));
}

function seconds(s) {
  if (s === null || s === undefined) return '—';
  if (s < 90) return t('age.s', { n: Math.round(s) });
  if (s < 5400) return t('age.m', { n: Math.round(s / 60) });
  if (s < 172800) return t('age.h', { n: Math.round(s / 3600) });
  return t('age.d', { n: Math.round(s / 86400) });
}

function table(caption, cols, rows, testid, empty) {
  if (!rows.length) return h('section', { class: 'card', testid }, h('h2', {}, caption), h('p', { class: 'muted' }, empty || t('none')));
  return h('section', { class: 'card', testid }, h('h2', {}, caption),
    h('table', { class: 'list' }, h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, rows)));
}

async function dashboard(main, { client }) {
  const body = h('div', { class: 'cv-grid' });
  main.append(body);
  const [board, incidents] = await Promise.all([client.get('/console/dashboard'), client.get('/incidents', { page_size: 10 })]);
  const running = board.running.reduce((n, r) => n + r.running, 0);
  const overdue = board.overdue_tasks.reduce((n, r) => n + r.overdue, 0);
  const stale = board.workers.filter((w) => w.state !== 'ok').length;
  body.append(
    h('div', { class: 'cv-stats' },
      stat(t('dash.running'), running, 'info', 'stat-running'),
      stat(t('dash.incidents'), board.open_incidents, board.open_incidents ? 'err' : 'ok', 'stat-incidents'),
      stat(t('dash.overdue'), overdue, overdue ? 'warn' : 'ok', 'stat-overdue'),
      stat(t('dash.queue'), board.jobs.due, board.jobs.due ? 'warn' : 'ok', 'stat-queue'),
      stat(t('dash.oldest'), seconds(board.jobs.oldest_due_age_seconds), 'info', 'stat-oldest'),
      stat(t('dash.workers'), board.workers.length ? `${board.workers.length - stale}/${board.workers.length}` : '0',
        board.workers.length && !stale ? 'ok' : 'err', 'stat-workers')),
    table(t('dash.incidents.list'), ['col.key', 'col.activity', 'col.error', 'col.when'],
      incidents.items.map((i) => h('tr', { testid: 'dash-incident' },
        h('td', {}, i.instance_id ? h('a', { href: `#/case/${i.instance_id}`, testid: 'dash-incident-case' }, i.business_key || i.instance_id) : '—'),
        h('td', {}, i.activity_name || i.activity_id), h('td', { class: 'cv-error' }, i.error || ''), h('td', {}, formatDate(i.updated_at)))),
      'dash-incidents', t('dash.incidents.none')),
    table(t('dash.running.list'), ['col.locality', 'col.process', 'col.count'],
      board.running.map((r) => h('tr', {}, h('td', {}, `${r.locality_name}（${r.locality}）`), h('td', {}, r.process_key), h('td', { class: 'num' }, r.running))),
      'dash-running'),
    table(t('dash.overdue.list'), ['col.department', 'col.count'],
      board.overdue_tasks.map((r) => h('tr', {}, h('td', {}, r.department_name), h('td', { class: 'num' }, r.overdue))),
      'dash-overdue', t('dash.overdue.none')),
    table(t('dash.workers.list'), ['col.worker', 'col.host', 'col.beat', 'col.state'],
      board.workers.map((w) => h('tr', {}, h('td', {}, w.worker_id), h('td', {}, `${w.host} · ${w.pid}`),
        h('td', {}, `${formatDate(w.beat_at)}（${t('age.ago', { age: seconds(w.age_seconds) })}）`),
        h('td', {}, badge(t(`worker.${w.state}`), w.state === 'ok' ? 'ok' : 'err', `worker-${w.state}`)))),
      'dash-workers', t('dash.workers.none')),
    h('section', { class: 'card cv-jobs' }, h('h2', {}, t('dash.jobs')),
      h('p', {}, t('dash.jobs.line', { due: board.jobs.due, running: board.jobs.running, oldest: seconds(board.jobs.oldest_due_age_seconds) }))),
    h('section', { class: 'card' }, h('h2', {}, t('search.title')), ...(() => { const box = h('div'); searchBox(client, box); return [box]; })()));
  const timer = setInterval(() => { if (document.hidden) return; route(main, { client }, true); }, 15000);
  stopCurrent = () => clearInterval(timer);
}

async function incidentsView(main, { client, user }) {
  const list = await client.get('/incidents', { page_size: 200 });
  const canRetry = user.role === 'admin';
  const picked = new Set();
  const retryBtn = h('button', { class: 'primary', testid: 'retry-selected', disabled: true, onClick: () => retry([...picked]) }, t('inc.retry.selected'));
  const count = h('span', { class: 'muted', 'aria-live': 'polite' }, '');
  const refreshPicked = () => { retryBtn.disabled = picked.size === 0; count.textContent = picked.size ? t('inc.picked', { n: picked.size }) : ''; };

  async function retry(ids) {
    try {
      const rv = await client.post('/incidents/retry', { job_ids: ids });
      toast(t('inc.retried', { n: rv.retried, total: ids.length }));
      route(main, { client, user }, true);
    } catch (err) { toast(errorMessage(err), 'error'); }
  }

  const rows = list.items.map((i) => {
    const box = h('input', { type: 'checkbox', 'aria-label': t('inc.pick', { id: i.id }), testid: 'incident-pick',
      onChange: (e) => { e.target.checked ? picked.add(i.id) : picked.delete(i.id); refreshPicked(); } });
    return h('tr', { testid: 'incident-row' },
      canRetry ? h('td', {}, box) : null,
      h('td', {}, i.instance_id ? h('a', { href: `#/case/${i.instance_id}` }, i.business_key || i.instance_id) : '—', h('div', { class: 'muted' }, i.locality)),
      h('td', {}, i.activity_name || i.activity_id, h('div', { class: 'muted' }, i.topic || i.kind)),
      h('td', {}, h('div', { class: 'cv-error' }, i.error || ''),
        i.trace_tail.length ? h('details', {}, h('summary', {}, t('inc.trace')), h('pre', { class: 'cv-trace', testid: 'incident-trace' }, i.trace_tail.join('\n'))) : null),
      h('td', {}, `${i.attempts}/${i.max_attempts}`), h('td', {}, formatDate(i.updated_at)),
      canRetry ? h('td', {}, h('button', { testid: 'incident-retry', onClick: () => retry([i.id]) }, t('inc.retry'))) : null);
  });
  main.append(h('section', { class: 'card', testid: 'incidents' },
    h('h2', {}, t('console.incidents'), ' ', badge(String(list.total), list.total ? 'err' : 'ok')),
    list.items.length === 0 ? h('p', { class: 'muted' }, t('dash.incidents.none')) : [
      canRetry ? h('div', { class: 'actions start' }, retryBtn, count) : null,
      h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, canRetry ? h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('inc.pickcol'))) : null,
          ...['col.key', 'col.activity', 'col.error', 'col.attempts', 'col.when'].map((c) => h('th', { scope: 'col' }, t(c))),
          canRetry ? h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('inc.retry'))) : null)),
        h('tbody', {}, rows))]));
}

async function route(main, ctx, quiet = false) {
  stopCurrent();
  stopCurrent = () => {};
  const hash = location.hash.replace(/^#/, '') || '/';
  const [, what, id] = hash.split('/');
  const active = what === 'incidents' ? 'incidents' : what === 'case' ? 'case' : 'dashboard';
  const y = window.scrollY;
  const content = h('div', { class: 'cv-content' });
  main.replaceChildren(nav(active), content);
  main.classList.add('cv-main');
  try {
    if (what === 'case' && id) stopCurrent = (await caseView(content, ctx, decodeURIComponent(id), (again) => route(main, ctx, again))) || (() => {});
    else if (what === 'incidents') await incidentsView(content, ctx);
    else await dashboard(content, ctx);
    if (quiet) window.scrollTo(0, y);
    else main.focus({ preventScroll: true });
  } catch (err) {
    if (err?.status !== 401) content.append(h('p', { class: 'error', role: 'alert' }, errorMessage(err)));
  }
}

startPage({
  ns: 'console',
  title: () => t('console.title'),
  roles: ['admin', 'auditor'],
  async mount(main, ctx) {
    window.onhashchange = () => route(main, ctx);
    await route(main, ctx);
  }
});
