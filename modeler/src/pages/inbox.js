// /inbox — the clerk's workbench: the tasks of the clerk's groups and locality (due marks, sorting, claim),
// a case panel with the person's essentials, search by ID number / name / business key, and the task's form
// drawn by form-js from the JSON the policy officer saved, with the server's 422 messages under the fields.
import { startPage } from '../shell/page.js';
import { h, toast, errorMessage } from '../shell/dom.js';
import { t, addTexts, formatDate, formatDay } from '../shell/i18n.js';
import { badge, facts } from '../shell/header.js';
// form-js is loaded when the first form is drawn, so the login and the lists come up sooner
const renderForm = async (...args) => (await import('../shell/formview.js')).renderForm(...args);
import './inbox.css';

const DUE_SOON_DAYS = 3;

addTexts({
  zh: {
    'inbox.title': '经办人工作台', 'inbox.login': '经办人登录',
    'inbox.tasks': '待办任务', 'inbox.count': '共 {n} 件', 'inbox.empty': '目前没有待办任务。可在上方按身份证号、姓名或业务号查找案件，查看各联办事项的办理情况。',
    'inbox.sort': '排序', 'sort.due': '按办理期限', 'sort.created': '按到达时间', 'sort.name': '按事项',
    'inbox.filter': '只看', 'filter.all': '全部', 'filter.mine': '我认领的', 'filter.overdue': '已逾期',
    'due.overdue': '已逾期', 'due.soon': '即将到期', 'due.ok': '期限内', 'due.none': '无期限', 'due.at': '期限 {date}',
    'due.provisional': '（暂定）',
    'search.label': '查找案件（身份证号、姓名或业务号）', 'search.go': '查找', 'search.none': '没有找到匹配的案件。',
    'search.results': '查找结果 {n} 件', 'search.short': '请至少输入 2 个字符',
    'col.task': '事项', 'col.person': '申请人', 'col.key': '业务号', 'col.due': '期限', 'col.state': '状态', 'col.started': '开始',
    'claimed.me': '我已认领', 'claimed.other': '{who} 已认领', 'claim': '认领', 'unclaim': '退回组内', 'claimed.done': '已认领', 'unclaimed.done': '已退回组内',
    'open': '办理', 'view': '查看',
    'detail.pick': '从左侧选择一件任务开始办理，或查找一个案件。',
    'case.title': '案件信息', 'case.name': '姓名', 'case.id': '身份证号', 'case.phone': '电话', 'case.birth': '出生日期',
    'case.retire': '退休日期', 'case.derivation': '推算依据', 'case.channel': '申请渠道', 'case.items': '联办事项',
    'case.history': '办理记录', 'case.open': '待办环节', 'case.key': '业务号', 'case.state': '案件状态', 'case.locality': '地区',
    'case.show': '显示完整证件号和电话', 'case.shown': '完整信息的查看已记录在审计日志中。', 'case.unavailable': '案件信息暂时无法读取：{message}',
    'item.col': '事项', 'dept.col': '部门', 'state.col': '状态', 'result.col': '结果',
    'form.submit': '提交', 'form.done': '已提交，任务已完成。', 'form.invalid': '表单有 {n} 处需要修改，见各字段下方的提示。',
    'form.none': '此任务没有表单，可直接提交。', 'form.rejected': '提交未通过：{message}'
  },
  en: {
    'inbox.title': 'Clerk workbench', 'inbox.login': 'Clerk sign-in',
    'inbox.tasks': 'Tasks', 'inbox.count': '{n} in all', 'inbox.empty': 'No tasks right now. Find a case above (ID number, name or business key) to see how its joint items stand.',
    'inbox.sort': 'Sort', 'sort.due': 'By due date', 'sort.created': 'By arrival', 'sort.name': 'By task',
    'inbox.filter': 'Show', 'filter.all': 'All', 'filter.mine': 'Claimed by me', 'filter.overdue': 'Overdue',
    'due.overdue': 'Overdue', 'due.soon': 'Due soon', 'due.ok': 'On time', 'due.none': 'No due date', 'due.at': 'Due {date}',
    'due.provisional': ' (provisional)',
    'search.label': 'Find a case (ID number, name or business key)', 'search.go': 'Find', 'search.none': 'No matching case.',
    'search.results': '{n} found', 'search.short': 'Type at least 2 characters',
    'col.task': 'Task', 'col.person': 'Applicant', 'col.key': 'Business key', 'col.due': 'Due', 'col.state': 'State', 'col.started': 'Started',
    'claimed.me': 'Claimed by me', 'claimed.other': 'Claimed by {who}', 'claim': 'Claim', 'unclaim': 'Give back', 'claimed.done': 'Claimed', 'unclaimed.done': 'Given back to the group',
    'open': 'Open', 'view': 'View',
    'detail.pick': 'Pick a task on the left, or find a case.',
    'case.title': 'Case', 'case.name': 'Name', 'case.id': 'ID number', 'case.phone': 'Phone', 'case.birth': 'Birth date',
    'case.retire': 'Retirement date', 'case.derivation': 'Derived from', 'case.channel': 'Channel', 'case.items': 'Joint items',
    'case.history': 'History', 'case.open': 'Open tasks', 'case.key': 'Business key', 'case.state': 'State', 'case.locality': 'Locality',
    'case.show': 'Show whole ID number and phone', 'case.shown': 'This read of the whole data is recorded in the audit log.', 'case.unavailable': 'The case cannot be read now: {message}',
    'item.col': 'Item', 'dept.col': 'Department', 'state.col': 'State', 'result.col': 'Result',
    'form.submit': 'Submit', 'form.done': 'Submitted; the task is complete.', 'form.invalid': '{n} fields need changes; see the notes under them.',
    'form.none': 'This task has no form; submit to complete it.', 'form.rejected': 'Not accepted: {message}'
  }
});

function resultText(result) {
  if (result === null || result === undefined) return '—';
  if (typeof result !== 'object') return String(result);
  const parts = Object.entries(result).filter(([, v]) => v !== null && v !== '' && typeof v !== 'object').map(([k, v]) => `${k}: ${v}`);
  return parts.length ? parts.join('；') : '—';
}

function dueState(task, now = Date.now()) {
  if (!task.due_at) return 'none';
  if (task.overdue) return 'overdue';
  return new Date(task.due_at).getTime() - now < DUE_SOON_DAYS * 86400e3 ? 'soon' : 'ok';
}

const DUE_KIND = { overdue: 'err', soon: 'warn', ok: 'ok', none: 'muted' };

function dueBadge(task) {
  const s = dueState(task);
  return badge(t(`due.${s}`), DUE_KIND[s], `due-${s}`);
}

const SORTS = {
  due: (a, b) => (a.due_at || '9999').localeCompare(b.due_at || '9999'),
  created: (a, b) => (a.created_at || '').localeCompare(b.created_at || ''),
  name: (a, b) => a.name.localeCompare(b.name, 'zh-CN') || SORTS.due(a, b)
};

function workbench(main, { client, user }) {
  const state = { tasks: [], sort: 'due', filter: 'all', selectedTask: null, view: null };
  const count = h('span', { class: 'muted', testid: 'inbox-count' });
  const listBody = h('div', { testid: 'inbox-tasks' });
  const results = h('div', { testid: 'search-results', 'aria-live': 'polite' });
  const detail = h('section', { class: 'detail card', testid: 'inbox-detail', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('detail.pick')));

  const sortSelect = h('select', { id: 'inbox-sort', testid: 'inbox-sort', onChange: (e) => { state.sort = e.target.value; drawList(); } },
    ...Object.keys(SORTS).map((k) => h('option', { value: k, selected: k === state.sort }, t(`sort.${k}`))));
  const filterSelect = h('select', { id: 'inbox-filter', testid: 'inbox-filter', onChange: (e) => { state.filter = e.target.value; drawList(); } },
    ...['all', 'mine', 'overdue'].map((k) => h('option', { value: k }, t(`filter.${k}`))));

  const q = h('input', { id: 'search-q', testid: 'search-q', type: 'search', autocomplete: 'off', maxlength: 64 });
  const searchForm = h('form', { class: 'search', role: 'search', testid: 'search-form', onSubmit: (e) => { e.preventDefault(); search(q.value.trim()); } },
    h('label', { for: 'search-q' }, t('search.label')),
    h('div', { class: 'row' }, q, h('button', { type: 'submit', class: 'primary', testid: 'search-go' }, t('search.go'))));

  main.classList.add('workbench');
  main.append(
    h('div', { class: 'side' },
      h('section', { class: 'card' }, searchForm, results),
      h('section', { class: 'card tasks' },
        h('div', { class: 'list-head' }, h('h2', {}, t('inbox.tasks')), count),
        h('div', { class: 'row controls' },
          h('label', { for: 'inbox-sort' }, t('inbox.sort')), sortSelect,
          h('label', { for: 'inbox-filter' }, t('inbox.filter')), filterSelect),
        listBody)),
    detail);

  async function load() {
    const res = await client.get('/tasks', { page_size: 200 });
    state.tasks = res.items;
    drawList();
  }

  function who(task) {
    if (!task.assignee) return null;
    return task.assignee === user.username ? badge(t('claimed.me'), 'info', 'claimed-me') : badge(t('claimed.other', { who: task.assignee }), 'muted');
  }

  function drawList() {
    let rows = [...state.tasks];
    if (state.filter === 'mine') rows = rows.filter((x) => x.assignee === user.username);
    if (state.filter === 'overdue') rows = rows.filter((x) => x.overdue);
    rows.sort(SORTS[state.sort]);
    count.textContent = t('inbox.count', { n: rows.length });
    if (!rows.length) { listBody.replaceChildren(h('p', { class: 'muted' }, t('inbox.empty'))); return; }
    listBody.replaceChildren(h('ul', { class: 'task-list' }, rows.map((task) => h('li', {},
      h('button', {
        type: 'button', class: `task-row${state.selectedTask === task.id ? ' selected' : ''}`, testid: `inbox-task-${task.activity_id}`,
        'aria-current': state.selectedTask === task.id ? 'true' : null, onClick: () => openTask(task.id)
      },
      h('span', { class: 'task-name' }, task.name),
      h('span', { class: 'task-person' }, task.summary?.name || '', ' · ', task.business_key),
      h('span', { class: 'task-marks' }, dueBadge(task), task.due_at ? h('span', { class: 'muted' }, t('due.at', { date: formatDay(task.due_at) }), task.due_provisional ? t('due.provisional') : '') : null, who(task)))))));
  }

  async function search(text) {
    if (text.length < 2) { results.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('search.short'))); return; }
    try {
      const res = await client.post('/instances/search', { q: text });
      if (!res.items.length) { results.replaceChildren(h('p', { class: 'muted' }, t('search.none'))); return; }
      results.replaceChildren(h('p', { class: 'muted' }, t('search.results', { n: res.items.length })),
        h('ul', { class: 'task-list' }, res.items.map((c) => h('li', {},
          h('button', { type: 'button', class: 'task-row', testid: `search-hit-${c.business_key}`, onClick: () => openCase(c.instance_id) },
            h('span', { class: 'task-name' }, c.name_masked, ' · ', c.id_number_masked),
            h('span', { class: 'task-person' }, c.business_key, ' · ', c.state_label || c.state),
            h('span', { class: 'task-marks muted' }, formatDay(c.started_at)))))));
    } catch (err) {
      results.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorMessage(err)));
    }
  }

  // ------------------------------------------------------------ case panel
  async function casePanel(instanceId, fallback = {}) {
    const box = h('section', { class: 'case', testid: 'case-panel', 'aria-labelledby': 'case-h' }, h('h3', { id: 'case-h' }, t('case.title')));
    let c;
    try {
      c = await client.get(`/instances/${instanceId}/summary`);
    } catch (err) {
      box.append(facts([[t('case.name'), fallback.name], [t('case.key'), fallback.business_key]]),
        h('p', { class: 'muted' }, t('case.unavailable', { message: errorMessage(err) })));
      return box;
    }
    const nameCell = h('span', { testid: 'case-name' }, c.person?.name);
    const idCell = h('span', { testid: 'case-id' }, c.person?.id_number);
    const phoneCell = h('span', { testid: 'case-phone' }, c.person?.phone);
    const show = h('button', { type: 'button', class: 'link', testid: 'case-show', onClick: async () => {
      try {
        const whole = await client.get(`/instances/${instanceId}/summary`, { whole: 'true' });
        nameCell.textContent = whole.person?.name;
        idCell.textContent = whole.person?.id_number;
        phoneCell.textContent = whole.person?.phone;
        show.replaceWith(h('p', { class: 'muted', testid: 'case-shown' }, t('case.shown')));
      } catch (err) { toast(errorMessage(err), 'error'); }
    } }, t('case.show'));
    box.append(
      facts([
        [t('case.name'), nameCell],
        [t('case.id'), idCell], [t('case.phone'), phoneCell],
        [t('case.birth'), formatDay(c.person?.birth_date)],
        [t('case.retire'), h('span', { testid: 'case-retire' }, formatDay(c.retirement?.date))],
        [t('case.derivation'), c.retirement?.derivation],
        [t('case.channel'), c.channel_label || c.channel],
        [t('case.key'), c.business_key], [t('case.state'), c.state_label || c.state]
      ], 'case-facts'),
      show);
    if (c.open_tasks?.length) {
      box.append(h('h4', {}, t('case.open')), h('ul', { class: 'task-list', testid: 'case-open-tasks' }, c.open_tasks.map((task) => {
        const mine = state.tasks.find((x) => x.id === task.id);
        return h('li', { class: 'open-task' },
          h('span', {}, task.name, ' · ', task.department_name || (task.candidate_groups || []).join('、'),
            task.due_at ? ` · ${t('due.at', { date: formatDay(task.due_at) })}` : ''),
          mine ? dueBadge(mine) : null,
          mine ? h('button', { type: 'button', class: 'link', testid: `case-open-${task.id}`, onClick: () => openTask(task.id) }, t('open')) : null);
      })));
    }
    if (c.joint_items?.length) {
      box.append(h('h4', {}, t('case.items')), h('table', { class: 'list', testid: 'case-items' },
        h('thead', {}, h('tr', {}, h('th', {}, t('item.col')), h('th', {}, t('dept.col')), h('th', {}, t('state.col')), h('th', {}, t('result.col')))),
        h('tbody', {}, c.joint_items.map((i) => h('tr', {}, h('td', {}, i.item_name || i.item), h('td', {}, i.department_name || i.department),
          h('td', {}, i.state_label || i.state), h('td', {}, resultText(i.result)))))));
    }
    if (c.history?.length) {
      box.append(h('details', { testid: 'case-history' }, h('summary', {}, t('case.history')),
        h('ol', { class: 'history' }, c.history.map((e) => h('li', {}, h('span', { class: 'muted' }, formatDate(e.at)), ' ', e.what, e.by ? ` · ${e.by}` : '')))));
    }
    return box;
  }

  async function openCase(instanceId) {
    state.selectedTask = null;
    drawList();
    detail.replaceChildren(h('p', { class: 'muted' }, t('loading')));
    detail.replaceChildren(await casePanel(instanceId));
    detail.scrollIntoView({ block: 'start' });
    detail.querySelector('h3')?.setAttribute('tabindex', '-1');
    detail.querySelector('h3')?.focus();
  }

  // ------------------------------------------------------------ one task
  async function openTask(taskId) {
    state.selectedTask = taskId;
    drawList();
    state.view?.destroy();
    state.view = null;
    detail.replaceChildren(h('p', { class: 'muted' }, t('loading')));
    let task;
    try { task = await client.get(`/tasks/${taskId}`); } catch (err) { detail.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorMessage(err))); return; }
    const heading = h('h2', { tabindex: '-1', testid: 'task-title' }, task.name);
    const mine = task.assignee === user.username;
    const claimBtn = task.assignee && !mine ? null : h('button', { type: 'button', testid: mine ? 'inbox-unclaim' : 'inbox-claim',
      onClick: async () => {
        try {
          await client.post(`/tasks/${taskId}/${mine ? 'unclaim' : 'claim'}`);
          toast(t(mine ? 'unclaimed.done' : 'claimed.done'));
          await load();
          await openTask(taskId);
        } catch (err) { toast(errorMessage(err), 'error'); }
      } }, t(mine ? 'unclaim' : 'claim'));
    const formBox = h('div', { class: 'task-form', testid: 'task-form' });
    const message = h('p', { class: 'error', role: 'alert', testid: 'form-message', hidden: true });
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'inbox-complete' }, t('form.submit'));
    const formEl = h('form', { novalidate: true, onSubmit: (e) => { e.preventDefault(); complete(taskId, submit, message); } }, formBox, message, h('div', { class: 'actions' }, submit));
    detail.replaceChildren(
      h('div', { class: 'task-head' }, heading, h('div', { class: 'task-marks' }, dueBadge(task), task.due_at ? h('span', { class: 'muted' }, t('due.at', { date: formatDay(task.due_at) })) : null, who(task), claimBtn)),
      formEl,
      await casePanel(task.instance_id, { name: task.data?.name, business_key: task.business_key }));
    if (task.form) state.view = await renderForm(formBox, task.form, task.data || {});
    else formBox.append(h('p', { class: 'muted' }, t('form.none')));
    detail.scrollIntoView({ block: 'start' });
    heading.focus();
  }

  async function complete(taskId, submit, message) {
    message.hidden = true;
    let data = {};
    if (state.view) {
      const res = state.view.collect();
      if (!res.ok) {
        message.textContent = t('form.invalid', { n: res.problems });
        message.hidden = false;
        detail.querySelector('.fjs-has-errors input, .fjs-has-errors select, .fjs-has-errors textarea')?.focus();
        return;
      }
      data = res.data;
    }
    submit.disabled = true;
    try {
      await client.post(`/tasks/${taskId}/complete`, { data });
      state.view?.destroy();
      state.view = null;
      state.selectedTask = null;
      detail.replaceChildren(h('p', { class: 'ok', role: 'status', testid: 'form-done' }, t('form.done')));
      toast(t('form.done'));
      await load();
    } catch (err) {
      submit.disabled = false;
      const fields = err.fieldErrors || {};
      const unplaced = state.view && Object.keys(fields).length ? state.view.showServerErrors(fields) : [];
      message.textContent = Object.keys(fields).length && !unplaced.length ? t('form.invalid', { n: Object.keys(fields).length })
        : t('form.rejected', { message: [errorMessage(err), ...unplaced].join('；') });
      message.hidden = false;
    }
  }

  return load();
}

startPage({
  ns: 'inbox',
  title: () => t('inbox.title'),
  loginTitle: () => t('inbox.login'),
  roles: ['clerk', 'admin'],
  mount: workbench
});
