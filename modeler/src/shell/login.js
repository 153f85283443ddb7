// The one login form: a real <form>, so Enter signs in; errors are read out (role=alert) in the page's language.
import { h } from './dom.js';
import { t, getLang, setLang } from './i18n.js';
import { ApiError } from './api.js';
import { errorMessage } from './dom.js';

export function langButton(testid = 'lang-toggle') {
  return h('button', { type: 'button', class: 'lang', testid, lang: getLang() === 'zh' ? 'en' : 'zh-CN',
    onClick: () => setLang(getLang() === 'zh' ? 'en' : 'zh') }, t('lang.toggle'));
}

/** Mount a login form into root. roles: the roles allowed here; onLogin(user) after the session is saved. */
export function mountLogin(root, { client, title, subtitle, roles, onLogin, error, prefix = 'login' }) {
  const username = h('input', { id: `${prefix}-u`, testid: `${prefix}-username`, autocomplete: 'username', required: true });
  const password = h('input', { id: `${prefix}-p`, type: 'password', testid: `${prefix}-password`, autocomplete: 'current-password', required: true });
  const err = h('p', { class: 'error', testid: `${prefix}-error`, role: 'alert', hidden: !error }, error || '');
  const submit = h('button', { class: 'primary', type: 'submit', testid: `${prefix}-submit` }, t('login.submit'));
  const form = h('form', {
    class: 'login card', testid: `${prefix}-form`,
    onSubmit: async (e) => {
      e.preventDefault();
      err.hidden = true;
      submit.disabled = true;
      try {
        const res = await client.login(username.value.trim(), password.value);
        if (roles && !roles.includes(res.user?.role)) throw new Error(t('login.forbidden'));
        client.session.save(res.token, res.user, res.refresh_token);
        await onLogin(res.user);
      } catch (ex) {
        err.textContent = ex instanceof ApiError ? t('login.failed', { message: errorMessage(ex) }) : ex.message;
        err.hidden = false;
        submit.disabled = false;
      }
    }
  },
  h('h1', {}, title),
  subtitle ? h('p', { class: 'muted' }, subtitle) : null,
  h('label', { for: `${prefix}-u` }, t('login.username')), username,
  h('label', { for: `${prefix}-p` }, t('login.password')), password,
  err,
  h('div', { class: 'actions' }, langButton(), submit));
  root.replaceChildren(h('main', { id: 'main', class: 'login-wrap' }, form));
  username.focus();
}
