// The console's case view: the BPMN diagram (bpmn-js NavigatedViewer) of the version the case runs with the
// elements it waits in, the path it took and the failed element marked, per called process too; its timeline,
// open tasks, jobs, joint items, messages and variables (masked; whole only on an audited "show"); cancel, retry
// and migrate.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { h, toast, errorMessage, modal } from '../shell/dom.js';
import { t, formatDate } from '../shell/i18n.js';
import { badge, facts } from '../shell/header.js';

const STATE_KIND = { running: 'info', completed: 'ok', cancelled: 'muted', failed: 'err' };

function card(title, testid, ...children) {
  return h('section', { class: 'card', testid }, h('h2', {}, title), ...children);
}

function list(cols, rows, empty) {
  if (!rows.length) return h('p', { class: 'muted' }, empty || t('none'));
  return h('table', { class: 'list' }, h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))), h('tbody', {}, rows));
}

/** Mark the case's state on a rendered diagram: waiting, done (with the flows between done elements), failed. */
export function markDiagram(viewer, view) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const done = new Set(view.completed), waiting = new Set(view.waiting), failed = new Set(view.failed);
  let marked = 0;
  for (const el of registry.getAll()) {
    const id = el.id;
    if (el.type === 'bpmn:SequenceFlow') {
      const src = el.businessObject.sourceRef?.id, dst = el.businessObject.targetRef?.id;
      if (done.has(src) && (done.has(dst) || waiting.has(dst) || failed.has(dst))) canvas.addMarker(id, 'cv-done');
      continue;
    }
    if (el.type === 'label') continue;
    if (failed.has(id)) { canvas.addMarker(id, 'cv-failed'); marked++; }
    else if (waiting.has(id)) { canvas.addMarker(id, 'cv-waiting'); marked++; }
    else if (done.has(id)) { canvas.addMarker(id, 'cv-done'); marked++; }
  }
  return marked;
}

/** Readable at once: zoomed to 0.9 around the failed element (else the first waited in); the whole when none. */
function focus(viewer, view) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const target = [...view.failed, ...view.waiting].map((id) => registry.get(id)).find(Boolean);
  if (!target) { canvas.zoom('fit-viewport', 'auto'); return; }
  canvas.zoom(0.9);
  const box = canvas.viewbox();
  canvas.viewbox({ x: target.x + target.width / 2 - box.width / 2, y: target.y + target.height / 2 - box.height / 2,
    width: box.width, height: box.height });
}

function zoomBar(get) {
  const step = (f) => () => { const v = get(); if (v) v.get('canvas').zoom(v.get('canvas').zoom() * f); };
  return h('div', { class: 'cv-zoom', role: 'group', 'aria-label': t('case.zoom') },
    h('button', { type: 'button', onClick: step(1.25), 'aria-label': t('case.zoom.in') }, '+'),
    h('button', { type: 'button', onClick: step(0.8), 'aria-label': t('case.zoom.out') }, '−'),
    h('button', { type: 'button', testid: 'zoom-fit', onClick: () => get()?.get('canvas').zoom('fit-viewport', 'auto') }, t('case.zoom.fit')));
}

async function renderDiagram(holder, view, onCall) {
  holder.replaceChildren();
  if (!view.xml) { holder.append(h('p', { class: 'muted' }, t('case.noxml'))); return null; }
  const viewer = new NavigatedViewer({ container: holder });
  const key = view.process_key;
  const shows = (d) => d.plane?.bpmnElement?.id === key ||
    (d.plane?.bpmnElement?.participants || []).some((p) => p.processRef?.id === key);
  let xml = view.xml;
  const { rootElement } = await viewer.get('moddle').fromXML(xml, 'bpmn:Definitions');
  if (!(rootElement.diagrams || []).some(shows)) {
    // no diagram interchange for this process (a file written by hand): lay it out automatically
    const { layoutProcess } = await import('bpmn-auto-layout');
    xml = await layoutProcess(xml);
    holder.dataset.autoLayout = 'true';
  }
  await viewer.importXML(xml);
  const defs = viewer.getDefinitions();
  const diagram = (defs.diagrams || []).find(shows);
  if (diagram && diagram !== defs.diagrams[0]) await viewer.open(diagram);
  markDiagram(viewer, view);
  focus(viewer, view);
  viewer.get('eventBus').on('element.click', (e) => onCall(e.element.id));
  holder.dataset.testid = 'diagram';
  holder.dataset.ready = 'true';
  return viewer;
}

export async function caseView(main, { client, user }, id, refresh) {
  const t0 = performance.now();
  const [detail, summary, diagram] = await Promise.all([
    client.get(`/instances/${encodeURIComponent(id)}`), client.get(`/instances/${encodeURIComponent(id)}/summary`),
    client.get(`/instances/${encodeURIComponent(id)}/diagram`)]);
  const admin = user.role === 'admin';
  const incidents = detail.jobs.filter((j) => j.status === 'incident');
  let timers = [];
  const stop = () => { timers.forEach(clearInterval); timers = []; };

  /** After an action: look again every 2 s (for a minute) and redraw once the case moved on. */
  const watch = (before) => {
    let n = 0;
    const timer = setInterval(async () => {
      if (++n > 30) { clearInterval(timer); return; }
      try {
        const now = await client.get(`/instances/${encodeURIComponent(id)}`);
        const sig = JSON.stringify([now.status, now.waiting_in, now.jobs.map((j) => [j.id, j.status])]);
        if (sig !== before) { clearInterval(timer); refresh(true); }
      } catch { clearInterval(timer); }
    }, 2000);
    timers.push(timer);
  };
  const signature = JSON.stringify([detail.status, detail.waiting_in, detail.jobs.map((j) => [j.id, j.status])]);

  async function retry(ids) {
    try {
      const rv = await client.post('/incidents/retry', { job_ids: ids });
      toast(t('inc.retried', { n: rv.retried, total: ids.length }));
      status.replaceChildren(badge(t('case.retrying'), 'warn', 'case-retrying'));
      watch(signature);
    } catch (err) { toast(errorMessage(err), 'error'); }
  }

  async function cancel() {
    const reason = await modal({ title: t('case.cancel'), testid: 'cancel-dialog', build: (close) => {
      const input = h('textarea', { id: 'cancel-reason', rows: 3, maxlength: 500, required: true });
      return [h('label', { for: 'cancel-reason' }, t('case.cancel.reason')), input,
        h('div', { class: 'actions' }, h('button', { onClick: () => close(undefined) }, t('btn.cancel')),
          h('button', { class: 'primary', testid: 'cancel-ok', onClick: () => input.value.trim() && close(input.value.trim()) }, t('case.cancel.ok')))];
    } });
    if (!reason) return;
    try { await client.post(`/instances/${encodeURIComponent(id)}/cancel`, { reason }); toast(t('case.cancelled')); refresh(true); }
    catch (err) { toast(errorMessage(err), 'error'); }
  }

  async function migrate() {
    const versions = (await client.get('/definitions', { key: detail.process_key, kind: 'bpmn', page_size: 200 })).items
      .filter((d) => d.id !== detail.definition_id);
    await modal({ title: t('case.migrate'), testid: 'migrate-dialog', wide: true, build: (close) => {
      const select = h('select', { id: 'migrate-to' }, versions.map((d) => h('option', { value: d.id }, `v${d.version} · ${d.locality} · ${formatDate(d.deployed_at)}`)));
      const out = h('div', { 'aria-live': 'polite', testid: 'migrate-outcome' });
      const run = async (dryRun) => {
        try {
          const rv = await client.post('/migrations', { from_definition: detail.definition_id, to_definition: Number(select.value), instance_ids: [id], dry_run: dryRun });
          const it = rv.items[0];
          out.replaceChildren(h('p', { class: it?.outcome === 'move' ? 'ok' : 'error' },
            it ? `${t(dryRun ? 'case.migrate.would' : 'case.migrate.did')}：${it.outcome === 'move' ? t('case.migrate.move') : t('case.migrate.refuse')} ${it.reason || ''}` : t('none')));
          if (!dryRun && rv.moved) { close(true); refresh(true); }
        } catch (err) { out.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorMessage(err))); }
      };
      if (!versions.length) return [h('p', { class: 'muted' }, t('case.migrate.none'))];
      return [h('label', { for: 'migrate-to' }, t('case.migrate.to')), select, out,
        h('div', { class: 'actions' }, h('button', { onClick: () => run(true), testid: 'migrate-dry' }, t('case.migrate.dry')),
          h('button', { class: 'primary', onClick: () => run(false), testid: 'migrate-run' }, t('case.migrate.run')))];
    } });
  }

  const status = h('span', { testid: 'case-status' }, badge(summary.state_label || detail.status, STATE_KIND[detail.status] || 'info', `case-state-${detail.status}`));
  const person = summary.person || {};
  main.append(h('section', { class: 'card cv-case-head', testid: 'case-head' },
    h('div', { class: 'row' }, h('h2', {}, t('case.title'), ' ', detail.business_key), status, h('span', { class: 'spacer' }),
      h('button', { testid: 'case-refresh', onClick: () => refresh(true) }, t('case.refresh')),
      admin && incidents.length ? h('button', { class: 'primary', testid: 'case-retry', onClick: () => retry(incidents.map((j) => j.id)) }, t('case.retry', { n: incidents.length })) : null,
      admin && detail.status === 'running' ? h('button', { testid: 'case-migrate', onClick: migrate }, t('case.migrate')) : null,
      admin && detail.status === 'running' ? h('button', { testid: 'case-cancel', onClick: cancel }, t('case.cancel')) : null),
    facts([[t('col.process'), `${detail.process_key} v${diagram.views[0]?.version ?? '?'}`], [t('col.locality'), `${summary.locality_name}（${detail.locality}）`],
      [t('case.person'), [person.name, person.id_number, person.phone].filter(Boolean).join(' · ') || '—'],
      [t('col.started'), formatDate(detail.started_at)], detail.ended_at ? [t('case.ended'), formatDate(detail.ended_at)] : null,
      [t('case.waiting'), detail.waiting_in.map((w) => w.name).join('、') || '—']], 'case-facts')));

  // the diagram, with the called processes selectable
  const holder = h('figure', { class: 'cv-diagram', 'aria-label': t('case.diagram.label') });
  const picker = h('div', { class: 'cv-views', role: 'group', 'aria-label': t('case.views') });
  const views = new Map(diagram.views.map((v) => [v.id, v]));
  const label = (v) => (v.id === 'main' ? `${t('case.main')} · ${v.process_key} v${v.version ?? '?'}` :
    `${t('case.called')} · ${v.process_key} v${v.version ?? '?'}（${v.called_from?.activity_id}）`);
  let current = 'main';
  let viewer = null;
  const show = async (viewId) => {
    current = viewId;
    for (const b of picker.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.view === viewId));
    const v = views.get(viewId);
    legendCounts.textContent = t('case.legend.counts', { w: v.waiting.length, d: v.completed.length, f: v.failed.length });
    viewer = await renderDiagram(holder, v, (elementId) => {
      const child = diagram.views.find((c) => c.called_from && c.called_from.view === current && c.called_from.activity_id === elementId);
      if (child) show(child.id);
    });
  };
  for (const v of diagram.views) {
    picker.append(h('button', { type: 'button', 'data-view': v.id, testid: `view-${v.id === 'main' ? 'main' : v.process_key}`,
      class: v.failed.length ? 'cv-view-failed' : '', onClick: () => show(v.id) }, label(v), v.failed.length ? ' ⚠' : ''));
  }
  const legendCounts = h('span', { class: 'muted', testid: 'legend-counts' });
  main.append(card(t('case.diagram'), 'case-diagram', diagram.views.length > 1 ? picker : null,
    h('div', { class: 'cv-legend' }, h('span', { class: 'lg lg-waiting' }, t('case.legend.waiting')), h('span', { class: 'lg lg-done' }, t('case.legend.done')),
      h('span', { class: 'lg lg-failed' }, t('case.legend.failed')), legendCounts, h('span', { class: 'spacer' }), zoomBar(() => viewer)), holder));
  await show('main');
  window.__consoleCaseRenderMs = Math.round(performance.now() - t0);

  // timeline and the rest
  const jobs = list(['col.activity', 'col.kind', 'col.state', 'col.due', 'col.error', ''], detail.jobs.map((j) => h('tr', { testid: `job-${j.status}` },
    h('td', {}, j.activity_name || j.activity_id), h('td', {}, j.topic || j.kind),
    h('td', {}, badge(t(`job.${j.status}`), j.status === 'incident' ? 'err' : 'info')), h('td', {}, formatDate(j.due_at)),
    h('td', { class: 'cv-error' }, j.last_error ? j.last_error.split('\n')[0] : ''),
    h('td', {}, admin && j.status === 'incident' ? h('button', { testid: 'job-retry', onClick: () => retry([j.id]) }, t('inc.retry')) : null))), t('case.jobs.none'));
  const tasks = list(['col.task', 'col.department', 'col.assignee', 'col.due'], (summary.open_tasks || []).map((x) => h('tr', {},
    h('td', {}, x.name), h('td', {}, x.department_name || (x.candidate_groups || []).join('、')), h('td', {}, x.assignee || '—'), h('td', {}, formatDate(x.due_at)))), t('case.tasks.none'));
  const items = list(['col.item', 'col.department', 'col.state', 'col.when'], (summary.joint_items || []).map((x) => h('tr', {},
    h('td', {}, x.item_name), h('td', {}, x.department_name || x.department || '—'), h('td', {}, x.state_label || x.state), h('td', {}, formatDate(x.completed_at)))), t('case.items.none'));
  const timeline = h('ol', { class: 'cv-timeline', testid: 'case-timeline' }, (summary.history || []).map((e) =>
    h('li', {}, h('time', {}, formatDate(e.at)), ' ', e.what, e.by ? h('span', { class: 'muted' }, ` · ${e.by}`) : null)));
  const vars = h('pre', { class: 'cv-vars', testid: 'case-variables', tabindex: '0' }, JSON.stringify(detail.variables, null, 2));
  const showWhole = async () => {
    try {
      const whole = await client.get(`/instances/${encodeURIComponent(id)}`, { whole: true });
      vars.textContent = JSON.stringify(whole.variables, null, 2);
      varsNote.replaceChildren(badge(t('case.vars.audited'), 'warn', 'vars-audited'));
    } catch (err) { toast(errorMessage(err), 'error'); }
  };
  const varsNote = h('p', { class: 'muted' }, t('case.vars.masked'));
  main.append(h('div', { class: 'cv-two' },
    card(t('case.timeline'), 'case-history', timeline),
    h('div', { class: 'cv-stack' },
      card(t('case.tasks'), 'case-tasks', tasks),
      card(t('case.jobs'), 'case-jobs', jobs),
      card(t('case.items'), 'case-items', items),
      card(t('case.messages'), 'case-messages', detail.messages.length ? h('ul', {}, detail.messages.map((m) => h('li', {}, m))) : h('p', { class: 'muted' }, t('case.messages.none'))),
      card(t('case.vars'), 'case-vars', varsNote, admin ? h('button', { testid: 'vars-show', onClick: showWhole }, t('case.vars.show')) : null, vars))));
  return stop;
}
