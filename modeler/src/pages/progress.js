// /progress — the applicant's page, public and made for a phone: opened from the SMS link (?t=<signed token>)
// or by business key plus the last six characters of the ID number. Each joint item with its department,
// state, result and, while open, what happens next, by whom and by when; the rights notice, the only-child
// reward's policy and channel, and the retirement certificate once approved. Nothing else of the person.
import '../shell/shell.css';
import './progress.css';
import { h, errorMessage } from '../shell/dom.js';
import { t, addTexts, formatDay, onLangChange } from '../shell/i18n.js';
import { makeClient } from '../shell/api.js';
import { langButton } from '../shell/login.js';
import { badge } from '../shell/header.js';

addTexts({
  zh: {
    'progress.title': '退休一件事 · 办理进度',
    'progress.intro': '输入业务编号和身份证号码后六位，查看您的退休申请办到哪一步了。',
    'progress.key': '业务编号', 'progress.tail': '身份证号码后六位', 'progress.go': '查询',
    'progress.keyHint': '见受理时给您的回执或短信', 'progress.tailHint': '最后一位是 X 的请输入 X',
    'progress.expired': '短信链接已过期或无效，请用业务编号和身份证号码后六位查询。',
    'progress.busy': '查询太频繁，请稍后再试。',
    'progress.case': '业务编号 {key}', 'progress.items': '各部门办理情况',
    'progress.next': '下一步', 'progress.who': '由{who}办理', 'progress.by': '预计{date}前完成',
    'progress.result': '办理结果',
    'progress.rights': '您的权利', 'progress.onlyChild': '独生子女父母奖励',
    'progress.policy': '政策', 'progress.channel': '领取方式',
    'progress.certificate': '退休证', 'progress.certificateLink': '查看或下载电子退休证',
    'progress.other': '查询另一个业务', 'progress.refresh': '刷新'
  },
  en: {
    'progress.title': 'Retirement · progress',
    'progress.intro': 'Enter the business key and the last six characters of your ID number to see where your application stands.',
    'progress.key': 'Business key', 'progress.tail': 'Last six characters of the ID number', 'progress.go': 'Look up',
    'progress.keyHint': 'On the receipt or in the SMS', 'progress.tailHint': 'If the last one is X, type X',
    'progress.expired': 'The SMS link has expired or is not valid; look up with the business key and the last six characters of your ID number.',
    'progress.busy': 'Too many look-ups; please try again later.',
    'progress.case': 'Business key {key}', 'progress.items': 'Each department',
    'progress.next': 'Next', 'progress.who': 'by {who}', 'progress.by': 'expected by {date}',
    'progress.result': 'Result',
    'progress.rights': 'Your rights', 'progress.onlyChild': 'Only-child parents\' reward',
    'progress.policy': 'Policy', 'progress.channel': 'How to receive it',
    'progress.certificate': 'Retirement certificate', 'progress.certificateLink': 'View or download the e-certificate',
    'progress.other': 'Look up another application', 'progress.refresh': 'Refresh'
  }
});

const client = makeClient('progress');
const root = document.getElementById('app');
const STATE_KIND = { done: 'ok', completed: 'ok', approved: 'ok', rejected: 'err', failed: 'err', open: 'info', waiting: 'info', skipped: 'muted', not_requested: 'muted' };
let last = null; // {query, result}
let notice = '';

function header() {
  return h('header', { class: 'topbar' }, h('h1', {}, t('progress.title')), h('span', { class: 'spacer' }), langButton());
}

function draw() {
  document.title = t('progress.title');
  const main = h('main', { id: 'main', class: 'progress' });
  root.replaceChildren(header(), main);
  if (last?.result) main.append(...result(last.result));
  else main.append(lookupForm());
}

function lookupForm() {
  const key = h('input', { id: 'p-key', testid: 'progress-key', autocomplete: 'off', maxlength: 40, 'aria-describedby': 'p-key-hint', spellcheck: false });
  const tail = h('input', { id: 'p-tail', testid: 'progress-tail', autocomplete: 'off', maxlength: 6, inputmode: 'text', 'aria-describedby': 'p-tail-hint', spellcheck: false });
  const err = h('p', { class: 'error', role: 'alert', testid: 'progress-error', hidden: !notice }, notice);
  const form = h('form', { class: 'card', testid: 'progress-form', onSubmit: async (e) => {
    e.preventDefault();
    await ask({ business_key: key.value.trim(), id_tail: tail.value.trim().toUpperCase() }, err);
  } },
  h('p', {}, t('progress.intro')),
  h('label', { for: 'p-key' }, t('progress.key')), key, h('small', { id: 'p-key-hint', class: 'muted' }, t('progress.keyHint')),
  h('label', { for: 'p-tail' }, t('progress.tail')), tail, h('small', { id: 'p-tail-hint', class: 'muted' }, t('progress.tailHint')),
  err,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary wide', testid: 'progress-go' }, t('progress.go'))));
  setTimeout(() => key.focus(), 0);
  return form;
}

async function ask(query, errBox) {
  try {
    last = { query, result: await client.post('/public/progress', query) };
    notice = '';
    draw();
  } catch (err) {
    const text = err.status === 429 ? t('progress.busy') : errorMessage(err);
    if (query.token) { notice = err.status === 429 ? text : t('progress.expired'); last = null; draw(); return; }
    if (errBox) { errBox.textContent = text; errBox.hidden = false; }
  }
}

function result(r) {
  const out = [];
  out.push(h('section', { class: 'card summary', testid: 'progress-summary' },
    h('h2', {}, t('progress.case', { key: r.business_key })),
    badge(r.state_label || r.state, STATE_KIND[r.state] || 'info', 'progress-state')));
  out.push(h('section', { class: 'card', 'aria-labelledby': 'items-h' },
    h('h2', { id: 'items-h' }, t('progress.items')),
    h('ol', { class: 'items', testid: 'progress-items' }, (r.items || []).map((i) => h('li', { testid: `progress-item-${i.item}` },
      h('div', { class: 'item-head' }, h('strong', {}, i.item_name || i.item), badge(i.state_label || i.state, STATE_KIND[i.state] || 'info')),
      h('div', { class: 'muted' }, i.department_name || ''),
      i.result_text ? h('p', {}, h('span', { class: 'muted' }, `${t('progress.result')}：`), i.result_text) : null,
      i.next ? h('p', { class: 'next', testid: `progress-next-${i.item}` }, h('span', { class: 'muted' }, `${t('progress.next')}：`),
        (i.next.text ? [i.next.what, i.next.text]   // the model's own words (an appointment: 请于…到…办理)
          : [i.next.what, i.next.who ? t('progress.who', { who: i.next.who }) : null, i.next.by ? t('progress.by', { date: formatDay(i.next.by) }) : null]).filter(Boolean).join('，')) : null)))));
  if (r.certificate_url) {
    out.push(h('section', { class: 'card', testid: 'progress-certificate' }, h('h2', {}, t('progress.certificate')),
      h('a', { href: r.certificate_url, target: '_blank', rel: 'noopener' }, t('progress.certificateLink'))));
  }
  if (r.only_child) {
    out.push(h('section', { class: 'card', testid: 'progress-only-child' }, h('h2', {}, t('progress.onlyChild')),
      h('p', {}, h('span', { class: 'muted' }, `${t('progress.policy')}：`), r.only_child.policy),
      r.only_child.channel ? h('p', {}, h('span', { class: 'muted' }, `${t('progress.channel')}：`), r.only_child.channel) : null));
  }
  if (r.rights_notice) {
    out.push(h('section', { class: 'card', testid: 'progress-rights' }, h('h2', {}, r.rights_notice.title || t('progress.rights')),
      ...String(r.rights_notice.text || '').split(/\n+/).filter(Boolean).map((p) => h('p', {}, p))));
  }
  out.push(h('div', { class: 'actions start' },
    h('button', { type: 'button', class: 'primary', testid: 'progress-refresh', onClick: () => ask(last.query) }, t('progress.refresh')),
    h('button', { type: 'button', testid: 'progress-other', onClick: () => { last = null; draw(); } }, t('progress.other'))));
  return out;
}

onLangChange(() => (last?.query ? ask(last.query) : draw()));
const token = new URLSearchParams(location.search).get('t');
if (token) {
  history.replaceState(null, '', location.pathname); // the token leaves the address bar (and later screenshots)
  root.replaceChildren(header(), h('main', { id: 'main', class: 'progress' }, h('p', { class: 'muted' }, t('loading'))));
  ask({ token });
} else {
  draw();
}
