// Task, start and intake forms drawn by form-js's viewer from the JSON the form editor saves — never by hand.
// The server's 422 field errors (errors.json.<field key>) are shown under their fields.
import { Form } from '@bpmn-io/form-js-viewer';
import '@bpmn-io/form-js-viewer/dist/assets/form-js-base.css';
import { getLang } from './i18n.js';

// form-js writes its own checks' messages in English; in Chinese they read as the server's do.
const ZH_MESSAGES = [
  [/^Field is required\.$/, () => '为必填项'],
  [/^Field must have minimum value of (.+)\.$/, (m) => `不能小于 ${m[1]}`],
  [/^Field must have maximum value of (.+)\.$/, (m) => `不能大于 ${m[1]}`],
  [/^Field must have minimum length of (.+)\.$/, (m) => `至少 ${m[1]} 个字符`],
  [/^Field must have maximum length of (.+)\.$/, (m) => `最多 ${m[1]} 个字符`],
  [/^Field must match pattern (.+)\.$/, () => '格式不正确'],
  [/^Value is not a number\.$/, () => '请填写数字'],
  [/^Value is expected to be an integer\.$/, () => '请填写整数'],
  [/^Field must be a valid email\.$/, () => '电子邮箱格式不正确'],
  [/^Field must be a valid +international phone number.*$/, () => '电话号码格式不正确']
];

export function inChinese(message) {
  if (getLang() !== 'zh') return message;
  for (const [re, fn] of ZH_MESSAGES) {
    const m = re.exec(message);
    if (m) return fn(m);
  }
  return message;
}

// ...and its few words of its own (a select's empty text, the search box), kept Chinese as it redraws.
const ZH_WORDS = { Select: '请选择', Search: '搜索', 'No results': '没有匹配项', 'All values selected': '已全部选择' };

function keepChinese(container) {
  if (getLang() !== 'zh') return null;
  const fix = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (ZH_WORDS[n.data]) n.data = ZH_WORDS[n.data];
    root.querySelectorAll?.('input[placeholder]').forEach((el) => {
      if (ZH_WORDS[el.placeholder]) el.placeholder = ZH_WORDS[el.placeholder];
    });
  };
  fix(container);
  const observer = new MutationObserver(() => fix(container));
  observer.observe(container, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['placeholder'] });
  return observer;
}

export async function renderForm(container, schema, data = {}) {
  const form = new Form({ container });
  await form.importSchema(schema, data);
  const validator = form.get('validator');
  const check = validator.validateFieldInstance.bind(validator);
  validator.validateFieldInstance = (...args) => check(...args).map(inChinese);
  const observer = keepChinese(container);
  const keyToId = () => {
    const map = {};
    for (const f of form.get('formFieldRegistry').getAll()) if (f.key) map[f.key] = f.id;
    return map;
  };
  return {
    form,
    /** Validate in the browser; {data, ok}. */
    collect() {
      const { data: values, errors } = form.submit();
      return { data: values, ok: Object.keys(errors).length === 0, problems: Object.keys(errors).length };
    },
    /** Show {field key: message} from the server under the fields; returns the keys no field showed. */
    showServerErrors(fieldErrors) {
      const ids = keyToId();
      const errors = {};
      const unplaced = [];
      for (const [key, msg] of Object.entries(fieldErrors)) {
        if (ids[key]) errors[ids[key]] = [msg];
        else unplaced.push(`${key}: ${msg}`);
      }
      form._setState({ errors });
      const first = container.querySelector('.fjs-has-errors input, .fjs-has-errors select, .fjs-has-errors textarea');
      if (first) first.focus();
      return unplaced;
    },
    destroy() { observer?.disconnect(); form.destroy(); }
  };
}
