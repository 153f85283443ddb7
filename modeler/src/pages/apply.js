// /apply: a placeholder on the shared shell; its owner fills mount() in.
import { startPage } from '../shell/page.js';
import { h } from '../shell/dom.js';
import { t, addTexts } from '../shell/i18n.js';

addTexts({
  zh: { 'apply.title': 'apply', 'apply.soon': '此页面正在建设中。' },
  en: { 'apply.title': 'apply', 'apply.soon': 'This page is being built.' }
});

startPage({
  ns: 'apply',
  title: () => t('apply.title'),
  roles: ['admin', 'clerk'],
  mount(main) {
    main.append(h('section', { class: 'card', style: 'margin:16px' }, h('h2', {}, t('apply.title')), h('p', {}, t('apply.soon'))));
  }
});
