// Deploy dialog: asks for the change note (required), resolves with it or undefined.
import { h, modal } from './dom.js';
import { t } from './i18n.js';

export function askDeployNote({ localityName, fileName }) {
  return modal({
    title: t('deploy.title'),
    testid: 'deploy-dialog',
    build: (close) => {
      const note = h('textarea', { rows: 3, testid: 'deploy-note', placeholder: t('deploy.notePlaceholder') });
      const err = h('p', { class: 'error', hidden: true }, t('deploy.noteRequired'));
      const submit = () => {
        if (!note.value.trim()) { err.hidden = false; note.focus(); return; }
        close(note.value.trim());
      };
      setTimeout(() => note.focus());
      return [
        h('p', {}, t('deploy.target', { locality: localityName, file: fileName })),
        h('label', {}, t('deploy.note'), note),
        err,
        h('div', { class: 'actions' },
          h('button', { testid: 'deploy-cancel', onClick: () => close(undefined) }, t('btn.cancel')),
          h('button', { class: 'primary', testid: 'deploy-confirm', onClick: submit }, t('deploy.confirm')))
      ];
    }
  });
}
