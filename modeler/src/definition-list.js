// Middle pane: the definitions in force for the selected locality, grouped by
// kind, each with its version and an inherited / overridden / own badge.
import { h } from './dom.js';
import { t, formatDate } from './i18n.js';

const KINDS = ['bpmn', 'dmn', 'form'];

export function statusOf(def) {
  return def.inherited ? 'inherited' : def.overridden ? 'overridden' : 'own';
}

export function renderDefinitionList(container, { defs, drafts, selected, current, localityName, onOpen, onOpenFile }) {
  const fileInput = h('input', {
    type: 'file', accept: '.bpmn,.dmn,.form,.json,.xml', hidden: true, testid: 'file-input',
    onChange: (e) => { const f = e.target.files[0]; e.target.value = ''; if (f) onOpenFile(f); }
  });
  const head = h('div', { class: 'list-head' },
    h('h3', {}, t('list.title'), selected ? ` · ${localityName(selected)}` : ''),
    h('button', { testid: 'btn-open-file', onClick: () => fileInput.click() }, t('btn.openFile')), fileInput);
  if (!selected) return container.replaceChildren(head, h('p', { class: 'muted' }, t('list.pick')));
  if (!defs.length) return container.replaceChildren(head, h('p', { class: 'muted', testid: 'definitions-empty' }, t('list.empty')));

  const groups = KINDS.map((kind) => {
    const items = defs.filter((d) => d.kind === kind).sort((a, b) => a.key.localeCompare(b.key));
    if (!items.length) return null;
    return h('section', { class: 'kind-group', testid: `group-${kind}` },
      h('h4', {}, t(`kind.${kind}`)),
      h('ul', {}, items.map((d) => {
        const status = statusOf(d);
        const hasDraft = drafts.some((x) => x.file_name === d.file_name);
        return h('li', {},
          h('button', {
            class: `definition${current && current.kind === d.kind && current.key === d.key ? ' selected' : ''}`,
            testid: `definition-${d.kind}-${d.key}`,
            'data-status': status,
            'data-version': d.version,
            title: `${d.file_name} · ${formatDate(d.deployed_at)} · ${d.author || ''}\n${d.note || ''}`,
            onClick: () => onOpen(d)
          },
          h('span', { class: 'def-name' }, d.name || d.key),
          h('span', { class: 'def-meta' },
            h('code', {}, d.key),
            h('span', { class: 'version', testid: `version-${d.kind}-${d.key}` }, `v${d.version}`),
            h('span', { class: `badge badge-${status}`, testid: `badge-${d.kind}-${d.key}` },
              status === 'inherited' ? t('badge.inheritedFrom', { name: localityName(d.locality) }) : t(`badge.${status}`)),
            hasDraft ? h('span', { class: 'badge badge-draft' }, '✎') : null)));
      })));
  });
  container.replaceChildren(head, h('div', { testid: 'definition-list' }, groups));
}
