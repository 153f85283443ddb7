// /apply — window intake for community, township, agency and employer accounts: find the person in the roster
// by ID number, see the statutory date and the application window, fill the 申请表 (form-js, from the form the
// policy officer saved, prefilled with what the roster knows), submit, and print the filled 申请表.
// A duplicate or an out-of-window application explains itself before any form is shown.
import { startPage } from '../shell/page.js';
import { h, toast, errorMessage } from '../shell/dom.js';
import { t, addTexts, formatDay } from '../shell/i18n.js';
import { badge, facts } from '../shell/header.js';
// form-js is loaded when the first form is drawn, so the login and the lists come up sooner
const renderForm = async (...args) => (await import('../shell/formview.js')).renderForm(...args);
import './apply.css';

addTexts({
  zh: {
    'apply.title': '窗口受理', 'apply.login': '窗口经办登录',
    'apply.step1': '第一步 · 查找参保人', 'apply.step2': '第二步 · 填写申请表', 'apply.step3': '第三步 · 打印申请表',
    'apply.id': '公民身份号码（18 位）', 'apply.find': '查找', 'apply.again': '受理下一位',
    'apply.notFound': '花名册中没有这个身份证号的参保人。请核对号码，或请参保人到社保经办机构核实参保登记。',
    'apply.person': '参保人', 'apply.name': '姓名', 'apply.birth': '出生日期', 'apply.gender': '性别', 'apply.phone': '电话',
    'apply.employer': '单位', 'apply.statutory': '法定退休日期', 'apply.derivation': '推算依据',
    'apply.window': '申请时间窗', 'apply.windowRange': '{opens} 至 {closes}',
    'apply.open': '可以申请', 'apply.closed': '不在申请时间内',
    'apply.running': '此人已有正在办理的退休一件事（业务编号 {key}），不能重复申请。可在经办人工作台查找该案件。',
    'apply.submit': '提交申请', 'apply.submitted': '申请已受理，业务编号 {key}',
    'apply.print': '打印申请表', 'apply.download': '下载申请表（PDF）', 'apply.printHint': '请打印后交参保人签字，原件留档。',
    'apply.invalid': '申请表有 {n} 处需要修改，见各字段下方的提示。', 'apply.rejected': '申请未受理：{message}',
    'apply.noForm': '本地区还没有部署申请表：{message}',
    'apply.printKey': '业务编号：{key}　受理：{who}', 'apply.signatures': '申请人签字：＿＿＿＿＿＿　　经办人签字：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日',
    'gender.male': '男', 'gender.female': '女', 'apply.phoneInvalid': '（号码无效，请核实后在申请表中更正）'
  },
  en: {
    'apply.title': 'Window intake', 'apply.login': 'Window clerk sign-in',
    'apply.step1': 'Step 1 · Find the insured person', 'apply.step2': 'Step 2 · Fill in the application', 'apply.step3': 'Step 3 · Print the application',
    'apply.id': 'Citizen ID number (18 characters)', 'apply.find': 'Find', 'apply.again': 'Next applicant',
    'apply.notFound': 'No insured person with this ID number is on the roster. Check the number, or ask the person to have their registration checked.',
    'apply.person': 'Insured person', 'apply.name': 'Name', 'apply.birth': 'Birth date', 'apply.gender': 'Gender', 'apply.phone': 'Phone',
    'apply.employer': 'Employer', 'apply.statutory': 'Statutory retirement date', 'apply.derivation': 'Derived from',
    'apply.window': 'Application window', 'apply.windowRange': '{opens} to {closes}',
    'apply.open': 'Open now', 'apply.closed': 'Not open now',
    'apply.running': 'This person already has a running retirement case ({key}); a second application is not possible. Find the case in the clerk workbench.',
    'apply.submit': 'Submit application', 'apply.submitted': 'Application accepted, business key {key}',
    'apply.print': 'Print the application', 'apply.download': 'Download the application (PDF)', 'apply.printHint': 'Print it for the applicant to sign; keep the original on file.',
    'apply.invalid': '{n} fields need changes; see the notes under them.', 'apply.rejected': 'Not accepted: {message}',
    'apply.noForm': 'No application form is deployed here: {message}',
    'apply.printKey': 'Business key: {key}  Taken in by: {who}', 'apply.signatures': 'Applicant: ____________   Clerk: ____________   Date: ____________',
    'gender.male': 'male', 'gender.female': 'female', 'apply.phoneInvalid': ' (not a working number; correct it in the form)'
  }
});

function intake(main, { client, user }) {
  let view = null;
  const idInput = h('input', { id: 'apply-id', testid: 'apply-id', inputmode: 'text', autocomplete: 'off', maxlength: 18, spellcheck: false });
  const findBtn = h('button', { type: 'submit', class: 'primary', testid: 'apply-find' }, t('apply.find'));
  const personBox = h('div', { testid: 'apply-person', 'aria-live': 'polite' });
  const formCard = h('section', { class: 'card step', testid: 'apply-step2', hidden: true });
  const doneCard = h('section', { class: 'card step', testid: 'apply-step3', hidden: true });

  main.classList.add('intake');
  main.append(
    h('section', { class: 'card step', testid: 'apply-step1' },
      h('h2', {}, t('apply.step1')),
      h('form', { class: 'find', onSubmit: (e) => { e.preventDefault(); lookup(); } },
        h('label', { for: 'apply-id' }, t('apply.id')),
        h('div', { class: 'row' }, idInput, findBtn)),
      personBox),
    formCard, doneCard);
  idInput.focus();

  function reset() {
    view?.destroy();
    view = null;
    formCard.hidden = true;
    doneCard.hidden = true;
    formCard.replaceChildren();
    doneCard.replaceChildren();
  }

  async function lookup() {
    reset();
    const id = idInput.value.trim().toUpperCase();
    personBox.replaceChildren(h('p', { class: 'muted' }, t('loading')));
    let found;
    try {
      found = await client.post('/persons/lookup', { id_number: id });
    } catch (err) {
      const text = err.status === 404 ? t('apply.notFound') : (err.fieldErrors?.id_number || errorMessage(err));
      personBox.replaceChildren(h('p', { class: 'error', role: 'alert', testid: 'apply-lookup-error' }, text));
      idInput.focus();
      return;
    }
    const { person = {}, statutory = {}, window: win = {}, running_case: running } = found;
    personBox.replaceChildren(
      facts([
        [t('apply.name'), h('span', { testid: 'apply-name' }, person.name)],
        [t('apply.birth'), formatDay(person.birth_date)],
        person.gender ? [t('apply.gender'), t(`gender.${person.gender}`)] : null,
        person.phone_masked ? [t('apply.phone'), h('span', {}, person.phone_masked, person.phone_valid === false ? h('span', { class: 'error' }, ` ${t('apply.phoneInvalid')}`) : '')] : null,
        person.employer ? [t('apply.employer'), person.employer] : null,
        [t('apply.statutory'), h('strong', { testid: 'apply-statutory' }, formatDay(statutory.retirement_date))],
        statutory.derivation ? [t('apply.derivation'), statutory.derivation] : null,
        [t('apply.window'), h('span', {}, win.opens ? t('apply.windowRange', { opens: formatDay(win.opens), closes: formatDay(win.closes) }) : '—', ' ',
          badge(win.open_now ? t('apply.open') : t('apply.closed'), win.open_now ? 'ok' : 'warn', 'apply-window'))]
      ], 'apply-facts'));
    if (running) {
      personBox.append(h('p', { class: 'error notice', role: 'alert', testid: 'apply-running' }, t('apply.running', { key: running.business_key })));
      return;
    }
    if (!win.open_now) {
      personBox.append(h('p', { class: 'error notice', role: 'alert', testid: 'apply-window-message' }, win.message || t('apply.closed')));
      return;
    }
    await showForm(found.locality || user.locality, { ...(found.prefill || {}), id_number: found.prefill?.id_number || id });
  }

  async function showForm(locality, prefill) {
    let res;
    try {
      res = await client.get('/applications/form', { locality });
    } catch (err) {
      formCard.hidden = false;
      formCard.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('apply.noForm', { message: errorMessage(err) })));
      return;
    }
    const box = h('div', { testid: 'apply-form' });
    const message = h('p', { class: 'error', role: 'alert', testid: 'apply-message', hidden: true });
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'apply-submit' }, t('apply.submit'));
    const heading = h('h2', { tabindex: '-1' }, t('apply.step2'));
    formCard.replaceChildren(heading,
      h('form', { novalidate: true, onSubmit: (e) => { e.preventDefault(); send(res.locality || locality, res.process_key, submit, message); } },
        box, message, h('div', { class: 'actions' }, submit)));
    formCard.hidden = false;
    view = await renderForm(box, res.form, prefill);
    heading.focus();
    heading.scrollIntoView({ block: 'start' });
  }

  async function send(locality, process, submit, message) {
    message.hidden = true;
    const { data, ok, problems } = view.collect();
    if (!ok) {
      message.textContent = t('apply.invalid', { n: problems });
      message.hidden = false;
      formCard.querySelector('.fjs-has-errors input, .fjs-has-errors select, .fjs-has-errors textarea')?.focus();
      return;
    }
    submit.disabled = true;
    let created;
    try {
      created = await client.post('/applications', { locality, ...(process ? { process } : {}), data });
    } catch (err) {
      submit.disabled = false;
      const fields = err.fieldErrors || {};
      const unplaced = Object.keys(fields).length ? view.showServerErrors(fields) : [];
      message.textContent = Object.keys(fields).length && !unplaced.length ? t('apply.invalid', { n: Object.keys(fields).length })
        : t('apply.rejected', { message: [errorMessage(err), ...unplaced].join('；') });
      message.hidden = false;
      return;
    }
    formCard.querySelectorAll('input, select, textarea, button').forEach((el) => { el.disabled = true; });
    formCard.prepend(h('p', { class: 'print-only' }, t('apply.printKey', { key: created.business_key, who: user.display_name || user.username })));
    formCard.append(h('p', { class: 'print-only signatures' }, t('apply.signatures')));
    showDone(created);
  }

  function showDone(created) {
    const pdf = `/applications/${created.id}/form.pdf`;
    const heading = h('h2', { tabindex: '-1' }, t('apply.step3'));
    const print = h('button', { type: 'button', class: 'primary', testid: 'apply-print', onClick: async () => {
      const tab = window.open('', '_blank'); // opened on the click itself, so no pop-up blocker stops it
      try {
        const url = await client.blobUrl(pdf);
        if (tab) tab.location.href = url; // the browser's PDF viewer prints it on one A4 page
        else window.location.assign(url);
      } catch (err) {
        tab?.close();
        if (err.status === 404) { window.print(); return; } // no PDF here: the page's A4 print stylesheet prints the filled form
        toast(errorMessage(err), 'error');
      }
    } }, t('apply.print'));
    const download = h('button', { type: 'button', class: 'link', testid: 'apply-download', onClick: async () => {
      try {
        const a = h('a', { href: await client.blobUrl(pdf), download: `申请表-${created.business_key}.pdf` });
        a.click();
      } catch (err) { toast(errorMessage(err), 'error'); }
    } }, t('apply.download'));
    doneCard.replaceChildren(heading,
      h('p', { class: 'ok', role: 'status', testid: 'apply-done' }, t('apply.submitted', { key: created.business_key })),
      h('p', { class: 'muted' }, t('apply.printHint')),
      h('div', { class: 'actions start' }, print, download,
        h('button', { type: 'button', testid: 'apply-next', onClick: () => { reset(); personBox.replaceChildren(); idInput.value = ''; idInput.focus(); window.scrollTo(0, 0); } }, t('apply.again'))));
    doneCard.hidden = false;
    heading.focus();
    heading.scrollIntoView({ block: 'start' });
  }
}

startPage({
  ns: 'apply',
  title: () => t('apply.title'),
  loginTitle: () => t('apply.login'),
  roles: ['clerk', 'admin'],
  mount: intake
});
