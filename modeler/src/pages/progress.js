// /progress: a placeholder on the shared shell; its owner fills mount() in.
import { startPage } from '../shell/page.js';
import { h } from '../shell/dom.js';
import { t, addTexts } from '../shell/i18n.js';

addTexts({
  zh: { 'progress.title': 'progress', 'progress.soon': '此页面正在建设中。' },
  en: { 'progress.title': 'progress', 'progress.soon': 'This page is being built.' }
});

startPage({
  ns: 'progress',
  title: () => t('progress.title'),
  roles: ['admin', 'clerk'],
  mount(main) {
    main.append(h('section', { class: 'card', style: 'margin:16px' }, h('h2', {}, t('progress.title')), h('p', {}, t('progress.soon'))));
  }
});
