// Versions of one definition at its locality: open any read-only, compare two.
import { api } from './api.js';
import { h, modal, toast, errorMessage } from './dom.js';
import { t, formatDate } from './i18n.js';
import { renderDiff } from './diff-view.js';

export async function showVersions({ def, localityName, onOpenReadOnly }) {
  const { items } = await api.versions(def.locality, def.kind, def.key);
  const versions = items.filter((d) => d.key === def.key && d.kind === def.kind).sort((x, y) => y.version - x.version);
  let a = versions[0]?.id;
  let b = versions[1]?.id;
  return modal({
    title: t('versions.title', { name: def.name || def.key, locality: localityName(def.locality) }),
    testid: 'versions-dialog',
    wide: true,
    build: (close) => {
      const diffBox = h('div', { class: 'diff', testid: 'diff-result' });
      const radio = (name, d, checked, set) => h('input', {
        type: 'radio', name, checked, testid: `diff-${name}-${d.version}`, onChange: () => set(d.id)
      });
      const compare = async () => {
        if (!a || !b || a === b) return toast(t('versions.pickTwo'), 'error');
        try {
          const va = versions.find((d) => d.id === a).version;
          const vb = versions.find((d) => d.id === b).version;
          renderDiff(diffBox, await api.diff(a, b), { a: va, b: vb });
        } catch (err) {
          toast(t('error.generic', { message: errorMessage(err) }), 'error');
        }
      };
      return [
        h('table', { class: 'grid', testid: 'versions-table' },
          h('thead', {}, h('tr', {},
            h('th', {}, t('versions.diffA')), h('th', {}, t('versions.diffB')),
            h('th', {}, t('versions.version')), h('th', {}, t('versions.deployedAt')),
            h('th', {}, t('versions.author')), h('th', {}, t('versions.note')), h('th', {}))),
          h('tbody', {}, versions.map((d) => h('tr', { testid: `version-row-${d.version}` },
            h('td', {}, radio('a', d, d.id === a, (id) => { a = id; })),
            h('td', {}, radio('b', d, d.id === b, (id) => { b = id; })),
            h('td', {}, `v${d.version}`),
            h('td', {}, formatDate(d.deployed_at)),
            h('td', {}, d.author || ''),
            h('td', {}, d.note || ''),
            h('td', {}, h('button', { testid: `version-open-${d.version}`, onClick: () => { close(); onOpenReadOnly(d); } }, t('versions.open'))))))),
        h('div', { class: 'actions' },
          h('button', { class: 'primary', testid: 'btn-diff', onClick: compare, disabled: versions.length < 2 }, t('versions.diff'))),
        diffBox
      ];
    }
  });
}
