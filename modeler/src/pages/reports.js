// /reports — for the county HRSS and social-insurance centre: completions (办结数量) per month, department and joint
// item as a chart and a table, overdue work per department, the monthly batch of each submitting office with its
// 信息采集表 (XLSX / PDF), the quarterly list of next quarter's retirees and each department's pushed list.
// Every table downloads as XLSX (audited on the server). Charts: Apache ECharts, only the parts used, SVG renderer.
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, AriaComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { startPage } from '../shell/page.js';
import { h, toast } from '../shell/dom.js';
import { t, addTexts, getLang } from '../shell/i18n.js';
import { qs } from '../shell/api.js';
import './reports.css';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

addTexts({
  zh: {
    'reports.title': '统计报表', 'reports.login': '统计报表登录',
    'r.locality': '地区', 'r.from': '起始月份', 'r.to': '截止月份', 'r.month': '受理月份', 'r.refresh': '查询',
    'r.completions': '联办事项办结数量', 'r.completions.note': '各责任部门按月办结的联办事项件数（县社保中心定期统计）。',
    'r.total': '合计 {n} 件', 'r.empty': '所选期间没有数据。', 'r.xlsx': '下载 Excel', 'r.pdf': '打印版 PDF',
    'r.overdue': '各部门逾期事项', 'r.overdue.note': '在办任务中已超过办理期限的件数。',
    'r.batches': '月度报送（采集表）', 'r.batches.note': '社区、乡镇社保所、县劳动保障事务代理中心每月5日前，社会保障事务代理机构每月15日前报送上月受理材料与采集表。',
    'r.collection': '采集表', 'r.all_batches': '本月全部采集表',
    'r.upcoming': '下季度到龄人员名单', 'r.quarter': '季度', 'r.upcoming.count': '{q} 共 {n} 人到达法定退休年龄',
    'r.pushed': '推送至各部门的名单', 'r.department': '部门', 'r.downloaded': '已下载 {name}（下载已记入审计日志）',
    'r.chart': '办结数量图', 'r.table': '办结数量表'
  },
  en: {
    'reports.title': 'Reports', 'reports.login': 'Reports sign-in',
    'r.locality': 'Locality', 'r.from': 'From month', 'r.to': 'To month', 'r.month': 'Month of acceptance', 'r.refresh': 'Show',
    'r.completions': 'Joint items completed', 'r.completions.note': 'Joint items each department completed, per month.',
    'r.total': '{n} in all', 'r.empty': 'No data for this period.', 'r.xlsx': 'Download Excel', 'r.pdf': 'Printable PDF',
    'r.overdue': 'Overdue work per department', 'r.overdue.note': 'Open tasks past their due date.',
    'r.batches': 'Monthly batches (collection forms)', 'r.batches.note': 'Offices submit last month\'s applications and collection forms by the 5th or the 15th.',
    'r.collection': 'Collection form', 'r.all_batches': 'All collection forms of the month',
    'r.upcoming': 'Next quarter\'s retirees', 'r.quarter': 'Quarter', 'r.upcoming.count': '{q}: {n} persons reach statutory age',
    'r.pushed': 'Lists pushed to departments', 'r.department': 'Department', 'r.downloaded': 'Downloaded {name} (recorded in the audit log)',
    'r.chart': 'Completions chart', 'r.table': 'Completions table'
  }
});

const pad = (n) => String(n).padStart(2, '0');
const monthOf = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;

function subtree(localities, root) {
  const kids = {};
  for (const l of localities) (kids[l.parent] ||= []).push(l);
  const out = [];
  const walk = (code, depth) => {
    const me = localities.find((l) => l.code === code);
    if (me) out.push({ ...me, depth });
    for (const k of kids[code] || []) walk(k.code, depth + 1);
  };
  walk(root, 0);
  return out;
}

function select(label, testid, options, value, onChange) {
  const id = `sel-${testid}`;
  return h('label', { class: 'field', for: id }, h('span', {}, label),
    h('select', { id, testid, onChange: (e) => onChange(e.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

function input(label, testid, type, value, onChange) {
  const id = `in-${testid}`;
  return h('label', { class: 'field', for: id }, h('span', {}, label),
    h('input', { id, testid, type, value, onInput: (e) => onChange(e.target.value) }));
}

function table(columns, rows, testid, caption) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'report', testid },
    h('caption', { class: 'skip' }, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: typeof r[c.key] === 'number' ? 'num' : '' }, r[c.key] ?? '—')))))));
}

startPage({
  ns: 'reports',
  title: () => t('reports.title'),
  loginTitle: () => t('reports.login'),
  roles: ['admin', 'policy', 'auditor', 'clerk'],
  async mount(main, { client, user }) {
    const today = new Date();
    const last = new Date(today.getFullYear(), today.getMonth() - 1, 1);
    const state = { locality: user.locality, from: `${today.getFullYear()}-01`, to: monthOf(today), month: monthOf(last),
      quarter: `${today.getFullYear() + (today.getMonth() >= 9 ? 1 : 0)}Q${((Math.floor(today.getMonth() / 3) + 1) % 4) + 1}`,
      department: '' };
    const localities = subtree((await client.get('/localities')).items, user.locality);
    let chart = null;

    async function download(path, params, fallback) {
      try {
        const url = await client.blobUrl(`${path}${qs({ locality: state.locality, ...params })}`);
        const a = h('a', { href: url, download: fallback, class: 'skip' });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        toast(t('r.downloaded', { name: fallback }));
      } catch (err) {
        toast(err.message, 'error');
      }
    }

    const dlButton = (testid, path, params, name, text = t('r.xlsx')) =>
      h('button', { type: 'button', testid, onClick: () => download(path, params, name) }, text);

    const sections = {
      completions: h('section', { class: 'card', testid: 'completions', 'aria-labelledby': 'h-completions' }),
      overdue: h('section', { class: 'card', testid: 'overdue', 'aria-labelledby': 'h-overdue' }),
      batches: h('section', { class: 'card', testid: 'batches', 'aria-labelledby': 'h-batches' }),
      lists: h('section', { class: 'card', testid: 'lists', 'aria-labelledby': 'h-lists' })
    };

    const controls = h('form', { class: 'card controls', testid: 'controls', onSubmit: (e) => { e.preventDefault(); load(); } },
      localities.length > 1
        ? select(t('r.locality'), 'locality', localities.map((l) => [l.code, `${'　'.repeat(l.depth)}${l.name}`]), state.locality, (v) => { state.locality = v; })
        : h('span', { class: 'field' }, h('span', {}, t('r.locality')), h('strong', {}, localities[0]?.name || user.locality)),
      input(t('r.from'), 'from', 'month', state.from, (v) => { state.from = v; }),
      input(t('r.to'), 'to', 'month', state.to, (v) => { state.to = v; }),
      input(t('r.month'), 'month', 'month', state.month, (v) => { state.month = v; }),
      h('button', { type: 'submit', class: 'primary', testid: 'refresh' }, t('r.refresh')));

    main.append(h('div', { class: 'reports' }, controls, sections.completions, sections.overdue, sections.batches, sections.lists));

    function drawCompletions(report) {
      const box = sections.completions;
      const depts = [...new Set(report.rows.map((r) => r.department_name))];
      const chartBox = h('div', { class: 'chart', testid: 'completions-chart', role: 'img', 'aria-label': t('r.chart') });
      box.replaceChildren(
        h('div', { class: 'section-head' }, h('h2', { id: 'h-completions' }, t('r.completions')),
          h('span', { class: 'muted', testid: 'completions-total' }, t('r.total', { n: report.total })),
          h('span', { class: 'spacer' }),
          dlButton('completions-xlsx', '/reports/completions/monthly.xlsx', { from: report.from, to: report.to }, `办结数量-${report.from}-${report.to}.xlsx`)),
        h('p', { class: 'muted' }, t('r.completions.note')),
        report.rows.length ? chartBox : h('p', { testid: 'completions-empty' }, t('r.empty')),
        table(report.columns.filter((c) => !['locality', 'department', 'item'].includes(c.key)), report.rows, 'completions-table', t('r.table')));
      if (chart) { chart.dispose(); chart = null; }
      if (!report.rows.length) return;
      chart = echarts.init(chartBox, null, { renderer: 'svg', height: 300 });
      chart.setOption({
        aria: { enabled: true },
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: report.months },
        yAxis: { type: 'value', minInterval: 1 },
        series: depts.map((name) => ({
          name, type: 'bar', stack: 'all',
          data: report.months.map((m) => report.rows.filter((r) => r.month === m && r.department_name === name).reduce((s, r) => s + r.completed, 0))
        }))
      });
    }

    function drawOverdue(report) {
      sections.overdue.replaceChildren(
        h('div', { class: 'section-head' }, h('h2', { id: 'h-overdue' }, t('r.overdue')),
          h('span', { class: 'muted', testid: 'overdue-total' }, t('r.total', { n: report.total_overdue })), h('span', { class: 'spacer' }),
          dlButton('overdue-xlsx', '/reports/overdue.xlsx', {}, `逾期事项-${report.at.slice(0, 10)}.xlsx`)),
        h('p', { class: 'muted' }, t('r.overdue.note')),
        report.rows.length ? table(report.columns.filter((c) => !['locality', 'department'].includes(c.key)), report.rows, 'overdue-table', t('r.overdue')) : h('p', {}, t('r.empty')));
    }

    function drawBatches(report) {
      const columns = [...report.columns.filter((c) => !['locality', 'batch_group'].includes(c.key)), { key: 'files', label: t('r.collection') }];
      const rows = report.rows.map((r) => ({ ...r,
        files: h('span', { class: 'row' },
          dlButton(`collection-xlsx-${r.batch_group}`, '/reports/collection-form.xlsx', { month: report.month, batch_group: r.batch_group, locality: r.locality }, `采集表-${report.month}-${r.batch_group_name}.xlsx`, 'Excel'),
          dlButton(`collection-pdf-${r.batch_group}`, '/reports/collection-form.pdf', { month: report.month, batch_group: r.batch_group, locality: r.locality }, `采集表-${report.month}-${r.batch_group_name}.pdf`, 'PDF')) }));
      sections.batches.replaceChildren(
        h('div', { class: 'section-head' }, h('h2', { id: 'h-batches' }, `${t('r.batches')} · ${report.month}`), h('span', { class: 'spacer' }),
          dlButton('batches-xlsx', '/reports/batches.xlsx', { month: report.month }, `月度报送-${report.month}.xlsx`)),
        h('p', { class: 'muted' }, t('r.batches.note')),
        rows.length ? table(columns, rows, 'batches-table', t('r.batches')) : h('p', { testid: 'batches-empty' }, t('r.empty')));
    }

    let departments = [];
    const quarters = () => {
      const year = Number(state.to.slice(0, 4));
      return [year, year + 1].flatMap((y) => [1, 2, 3, 4].map((q) => [`${y}Q${q}`, `${y}年第${q}季度`]));
    };
    async function drawLists() {
      const settingsDepartments = departments.map((d) => [d.code, d.name]);
      const mine = user.groups?.find((g) => settingsDepartments.some(([c]) => c === g));
      if (!state.department) state.department = mine || 'medical_insurance';
      let upcoming = null;
      try { upcoming = await client.get('/reports/upcoming', { quarter: state.quarter, locality: state.locality, page_size: 1 }); } catch { /* counted below as unknown */ }
      sections.lists.replaceChildren(
        h('h2', { id: 'h-lists' }, `${t('r.upcoming')} · ${t('r.pushed')}`),
        h('div', { class: 'row wrap' },
          select(t('r.quarter'), 'quarter', quarters(), state.quarter, (v) => { state.quarter = v; drawLists(); }),
          h('span', { testid: 'upcoming-count' }, upcoming ? t('r.upcoming.count', { q: state.quarter, n: upcoming.total }) : '—'),
          dlButton('upcoming-xlsx', '/reports/upcoming.xlsx', { quarter: state.quarter }, `到龄名单-${state.quarter}.xlsx`)),
        h('div', { class: 'row wrap' },
          select(t('r.department'), 'department', settingsDepartments, state.department, (v) => { state.department = v; }),
          h('button', { type: 'button', testid: 'pushed-xlsx',
            onClick: () => download('/reports/pushed.xlsx', { month: state.to, department: state.department }, `推送名单-${state.department}-${state.to}.xlsx`) }, t('r.xlsx'))));
    }

    async function load() {
      const where = { locality: state.locality };
      const [completions, overdue, batches] = await Promise.all([
        client.get('/reports/completions/monthly', { ...where, from: state.from, to: state.to }),
        client.get('/reports/overdue', where),
        client.get('/reports/batches', { ...where, month: state.month })]);
      departments = completions.departments || [];
      drawCompletions(completions);
      drawOverdue(overdue);
      drawBatches(batches);
      await drawLists();
    }

    window.addEventListener('resize', () => chart?.resize());
    document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
    await load();
  }
});
