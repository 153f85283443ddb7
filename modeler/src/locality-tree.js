// Left pane: the locality tree (national → province → city → county), built
// from the flat /api/localities list.
import { h } from './dom.js';
import { t } from './i18n.js';

export function buildTree(items) {
  const byCode = new Map(items.map((l) => [l.code, { ...l, children: [] }]));
  const roots = [];
  for (const node of byCode.values()) {
    const parent = node.parent && byCode.get(node.parent);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  for (const node of byCode.values()) node.children.sort((a, b) => a.code.localeCompare(b.code));
  return { roots, byCode };
}

/** Codes from the root down to `code`. */
export function pathOf(byCode, code) {
  const out = [];
  for (let n = byCode.get(code); n; n = byCode.get(n.parent)) out.unshift(n.code);
  return out;
}

export function renderTree(container, { roots, selected, onSelect }) {
  const node = (n) => h('li', {},
    h('button', {
      class: `locality level-${n.level}${n.code === selected ? ' selected' : ''}`,
      testid: `locality-${n.code}`,
      'aria-current': n.code === selected ? 'true' : null,
      onClick: () => onSelect(n.code)
    }, h('span', { class: 'name' }, n.name), h('span', { class: 'code' }, n.code)),
    n.children.length ? h('ul', {}, n.children.map(node)) : null);
  container.replaceChildren(
    h('h3', {}, t('tree.title')),
    h('ul', { class: 'tree', testid: 'locality-tree' }, roots.map(node)));
}
