// Problems: the panel listing them (file, element id, reason, source) and a DOM
// marker used by the DMN and form editors, whose views re-render often: a
// MutationObserver puts the marker classes back after each render.
import { h } from './dom.js';
import { t } from './i18n.js';

export function renderProblems(panel, problems, { onPick, status }) {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  panel.dataset.errors = errors;
  panel.dataset.warnings = warnings;
  panel.replaceChildren(
    h('div', { class: 'problems-head' },
      h('strong', {}, t('problems.title')),
      ' ',
      h('span', { testid: 'problems-summary' }, problems.length ? t('problems.summary', { errors, warnings }) : t('problems.none')),
      status ? h('span', { class: `status status-${status}`, testid: 'validation-status' }, t(status === 'valid' ? 'problems.valid' : 'problems.invalid')) : null),
    h('ul', { class: 'problems-list' },
      problems.map((p) => h('li', {
        class: `problem problem-${p.severity}`,
        testid: 'problem',
        'data-element-id': p.element_id || '',
        'data-source': p.source || 'server',
        onClick: () => onPick(p)
      },
      h('span', { class: 'sev' }, p.severity === 'error' ? '✖' : '⚠'),
      h('span', { class: 'file' }, p.file || ''),
      h('code', { class: 'elid' }, p.element_id || '—'),
      h('span', { class: 'msg' }, p.message),
      h('span', { class: 'src' }, t(`problems.source.${p.source || 'server'}`)))))
  );
}

export class DomMarker {
  constructor(container, selectorsFor) {
    this.container = container;
    this.selectorsFor = selectorsFor;
    this.marks = new Map();
    this.observer = new MutationObserver(() => this.schedule());
  }

  set(problems) {
    this.clear();
    for (const p of problems) {
      for (const selector of this.selectorsFor(p.element_id)) {
        const prev = this.marks.get(selector);
        const severity = prev?.severity === 'error' || p.severity === 'error' ? 'error' : 'warning';
        this.marks.set(selector, { severity, message: [prev?.message, p.message].filter(Boolean).join('\n') });
      }
    }
    if (this.marks.size) this.observer.observe(this.container, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    this.apply();
  }

  schedule() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => { this.pending = null; this.apply(); });
  }

  apply() {
    for (const [selector, { severity, message }] of this.marks) {
      for (const el of this.container.querySelectorAll(selector)) {
        const cls = `validation-${severity}`;
        if (!el.classList.contains(cls)) el.classList.add('validation-marked', cls);
        if (el.title !== message) el.title = message;
      }
    }
  }

  clear() {
    this.observer.disconnect();
    for (const el of this.container.querySelectorAll('.validation-marked')) {
      el.classList.remove('validation-marked', 'validation-error', 'validation-warning');
      el.removeAttribute('title');
    }
    this.marks.clear();
  }
}
