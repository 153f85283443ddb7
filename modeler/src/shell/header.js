// The page header every signed-in page shows: title, who and where, language switch, sign out.
import { h } from './dom.js';
import { t } from './i18n.js';
import { langButton } from './login.js';

export function pageHeader({ title, user, onLogout, extra = [] }) {
  return h('header', { class: 'topbar', role: 'banner' },
    h('a', { class: 'skip', href: '#main' }, t('skip')),
    h('h1', {}, title),
    h('span', { class: 'spacer' }),
    ...extra,
    user ? h('span', { class: 'user', testid: 'header-user' }, `${user.display_name || user.username} · ${user.locality_name || user.locality}`) : null,
    langButton(),
    onLogout ? h('button', { type: 'button', testid: 'logout', onClick: onLogout }, t('logout')) : null);
}

/** A small coloured state mark; kind is ok | warn | err | info | muted. */
export function badge(text, kind = 'info', testid) {
  return h('span', { class: `badge badge-${kind}`, testid }, text);
}

/** A definition list of label → value rows (values may be nodes). */
export function facts(rows, testid) {
  return h('dl', { class: 'facts', testid }, rows.filter(Boolean).flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value ?? '—')]));
}
