// Boot a signed-in page: login first (nothing else is drawn before it), then the header with sign-out and the
// page's own view. mount(main, ctx) draws the page; ctx = {client, user, rerender}. The language switch redraws.
import './shell.css';
import { h } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { makeClient } from './api.js';
import { mountLogin } from './login.js';
import { pageHeader } from './header.js';

export function startPage({ ns, title, loginTitle, roles, mount }) {
  const root = document.getElementById('app');
  const client = makeClient(ns);
  let signedIn = false;

  const showLogin = (error) => {
    signedIn = false;
    document.title = `${title()} · ${t('app.product')}`;
    mountLogin(root, { client, title: loginTitle ? loginTitle() : title(), roles, error, prefix: ns, onLogin: () => showPage() });
  };

  const logout = async () => {
    await client.logout();
    showLogin();
  };

  async function showPage() {
    const user = client.session.user;
    if (roles && !roles.includes(user?.role)) { client.session.clear(); showLogin(t('login.forbidden')); return; }
    signedIn = true;
    document.title = `${title()} · ${t('app.product')}`;
    const main = h('main', { id: 'main', tabindex: '-1' });
    root.replaceChildren(pageHeader({ title: title(), user, onLogout: logout }), main);
    try {
      await mount(main, { client, user, rerender: showPage });
    } catch (err) {
      if (err?.status !== 401) main.append(h('p', { class: 'error', role: 'alert' }, t('error.generic', { message: err.message })));
    }
  }

  client.setUnauthorizedHandler(() => { client.session.clear(); showLogin(t('error.session')); });
  onLangChange(() => (signedIn ? showPage() : showLogin()));
  if (client.session.token && client.session.user) showPage();
  else showLogin();
  return client;
}
