// /console: a placeholder on the shared shell; its owner fills mount() in.
import { startPage } from '../shell/page.js';
import { h } from '../shell/dom.js';
import { t, addTexts } from '../shell/i18n.js';

addTexts({
  zh: { 'console.title': '运维控制台', 'console.soon': '此页面正在建设中。' },
  en: { 'console.title': 'Operations console', 'console.soon': 'This page is being built.' }
});

startPage({
  ns: 'console',
  title: () => t('console.title'),
  roles: ['admin', 'auditor'],
  mount(main) {
    main.append(h('section', { class: 'card', style: 'margin:16px' }, h('h2', {}, t('console.title')), h('p', {}, t('console.soon'))));
  }
});
