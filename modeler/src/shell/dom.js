// Tiny DOM helpers: h() builds elements, toast() shows a transient message,
// modal() opens a <dialog>, confirmDialog() asks yes/no.
import { t } from './i18n.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (k === 'testid') el.dataset.testid = v;
    else if (k === 'text') el.textContent = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const el = h('div', { class: `toast toast-${kind}`, testid: `toast-${kind}`, role: 'status' }, message);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 9000 : 5000);
}

/** Open a modal dialog. build(close) returns the body content; resolves with the value passed to close(). */
export function modal({ title, testid, build, wide = false }) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: `modal${wide ? ' modal-wide' : ''}`, testid });
    const close = (value) => { dialog.close(); dialog.remove(); resolve(value); };
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(undefined); });
    dialog.append(
      h('header', {}, h('h2', {}, title), h('button', { class: 'icon', testid: `${testid}-close`, title: t('btn.close'), onClick: () => close(undefined) }, '×')),
      h('div', { class: 'modal-body' }, build(close))
    );
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function confirmDialog(message, testid = 'confirm-dialog') {
  return modal({
    title: t('app.title'),
    testid,
    build: (close) => [
      h('p', {}, message),
      h('div', { class: 'actions' },
        h('button', { onClick: () => close(false) }, t('btn.cancel')),
        h('button', { class: 'primary', testid: 'confirm-ok', onClick: () => close(true) }, 'OK'))
    ]
  }).then(Boolean);
}

export function errorMessage(err) {
  return (err && (err.body?.message || err.message)) || String(err);
}
