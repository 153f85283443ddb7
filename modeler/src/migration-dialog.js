// Migration of running cases between two versions of a process:
// pick source and target version, optional activity mappings, dry run, run.
import { api } from './api.js';
import { h, modal, toast, confirmDialog, errorMessage } from './dom.js';
import { t } from './i18n.js';

export async function showMigration({ def }) {
  const [{ items: all }, { items: running }] = await Promise.all([
    api.versions(def.locality, 'bpmn', def.key),
    api.instances(def.key, def.locality)
  ]);
  const versions = all.filter((d) => d.key === def.key && d.kind === 'bpmn').sort((x, y) => y.version - x.version);
  const count = (id) => running.filter((i) => i.definition_id === id).length;
  const latest = versions[0];
  const source = versions.filter((d) => d.id !== latest?.id).sort((x, y) => count(y.id) - count(x.id))[0] || latest;

  return modal({
    title: t('migrate.title', { name: def.name || def.key }),
    testid: 'migration-dialog',
    wide: true,
    build: () => {
      const option = (d, selectedId) => h('option', { value: d.id, selected: d.id === selectedId },
        `v${d.version} · ${t('migrate.running', { n: count(d.id) })}`);
      const from = h('select', { testid: 'migration-from' }, versions.map((d) => option(d, source?.id)));
      const to = h('select', { testid: 'migration-to' }, versions.map((d) => option(d, latest?.id)));
      const mappings = h('textarea', { rows: 2, testid: 'migration-mappings', placeholder: 'Task_old=Task_new' });
      const out = h('div', { testid: 'migration-result' });

      const body = (dry_run) => ({
        from_definition: Number(from.value),
        to_definition: Number(to.value),
        mappings: Object.fromEntries(mappings.value.split('\n').map((l) => l.split('=').map((s) => s.trim())).filter((p) => p.length === 2 && p[0] && p[1])),
        dry_run
      });
      const show = (res, done) => {
        out.replaceChildren(
          h('p', { testid: 'migration-summary' }, t(done ? 'migrate.done' : 'migrate.result', { moved: res.moved, refused: res.refused })),
          h('table', { class: 'grid', testid: 'migration-table' },
            h('thead', {}, h('tr', {}, ['migrate.instance', 'migrate.fromActs', 'migrate.toActs', 'migrate.outcome', 'migrate.reason'].map((k) => h('th', {}, t(k))))),
            h('tbody', {}, res.items.map((i) => h('tr', { class: `outcome-${i.outcome}`, testid: `migration-row-${i.instance_id}` },
              h('td', {}, i.business_key || i.instance_id),
              h('td', {}, (i.from_activities || []).join(', ')),
              h('td', {}, (i.to_activities || []).join(', ')),
              h('td', {}, t(`migrate.${i.outcome}`)),
              h('td', {}, i.reason || ''))))));
      };
      const dryRun = async () => {
        try { show(await api.migrate(body(true)), false); } catch (err) { toast(t('error.generic', { message: errorMessage(err) }), 'error'); }
      };
      const run = async () => {
        if (!(await confirmDialog(t('migrate.confirm', { n: count(Number(from.value)) })))) return;
        try {
          const res = await api.migrate(body(false));
          show(res, true);
          toast(t('migrate.done', { moved: res.moved, refused: res.refused }), 'success');
        } catch (err) { toast(t('error.generic', { message: errorMessage(err) }), 'error'); }
      };
      return [
        h('div', { class: 'form-row' },
          h('label', {}, t('migrate.from'), from),
          h('label', {}, t('migrate.to'), to)),
        h('label', {}, t('migrate.mappings'), mappings),
        h('div', { class: 'actions' },
          h('button', { testid: 'migration-dry-run', onClick: dryRun }, t('migrate.dryRun')),
          h('button', { class: 'primary', testid: 'migration-run', onClick: run }, t('migrate.run'))),
        out
      ];
    }
  });
}
