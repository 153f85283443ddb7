// Renders a /diff answer: elements added, removed and changed.
import { h } from './dom.js';
import { t } from './i18n.js';

export function renderDiff(container, diff, { a, b }) {
  const section = (kind, items) => h('section', { class: `diff-${kind}`, testid: `diff-${kind}` },
    h('h4', {}, `${t(`diff.${kind}`)} (${items.length})`),
    h('ul', {}, items.map((e) => h('li', { 'data-element-id': e.id },
      h('code', {}, e.id), ' ', h('span', { class: 'muted' }, e.type || ''), ' ', e.name || '',
      e.changes && e.changes.length ? h('ul', { class: 'changes' }, e.changes.map((c) => h('li', {}, c))) : null))));
  const empty = !diff.added.length && !diff.removed.length && !diff.changed.length;
  container.replaceChildren(...[
    h('h3', {}, t('diff.title', { a, b })),
    empty ? h('p', { testid: 'diff-empty' }, t('diff.none')) : null,
    section('added', diff.added || []),
    section('removed', diff.removed || []),
    section('changed', diff.changed || [])].filter(Boolean));
}
