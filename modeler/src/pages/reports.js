// /reports: a placeholder on the shared shell; its owner fills mount() in.
import { startPage } from '../shell/page.js';
import { h } from '../shell/dom.js';
import { t, addTexts } from '../shell/i18n.js';

addTexts({
  zh: { 'reports.title': '统计报表', 'reports.soon': '此页面正在建设中。' },
  en: { 'reports.title': 'Reports', 'reports.soon': 'This page is being built.' }
});

startPage({
  ns: 'reports',
  title: () => t('reports.title'),
  roles: ['admin', 'policy', 'auditor', 'clerk'],
  mount(main) {
    main.append(h('section', { class: 'card', style: 'margin:16px' }, h('h2', {}, t('reports.title')), h('p', {}, t('reports.soon'))));
  }
});
