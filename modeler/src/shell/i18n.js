// One language switch for every page: zh-CN by default, English kept. Each page adds its own texts
// with addTexts({zh, en}); t('key', {param}) looks the key up in the current language, then in Chinese.
const dictionaries = {
  zh: {
    'app.product': '退休一件事', 'login.username': '用户名', 'login.password': '密码', 'login.submit': '登录', 'login.failed': '登录失败：{message}',
    'login.forbidden': '该账号不能使用本页面', 'logout': '退出登录', 'lang.toggle': 'English',
    'btn.close': '关闭', 'btn.cancel': '取消', 'btn.ok': '确定', 'error.session': '登录已过期，请重新登录',
    'error.generic': '操作失败：{message}', 'loading': '正在加载…', 'skip': '跳到主要内容'
  },
  en: {
    'app.product': 'Retirement one-stop', 'login.username': 'User name', 'login.password': 'Password', 'login.submit': 'Sign in', 'login.failed': 'Sign-in failed: {message}',
    'login.forbidden': 'This account cannot use this page', 'logout': 'Sign out', 'lang.toggle': '中文',
    'btn.close': 'Close', 'btn.cancel': 'Cancel', 'btn.ok': 'OK', 'error.session': 'Session expired, please sign in again',
    'error.generic': 'Failed: {message}', 'loading': 'Loading…', 'skip': 'Skip to main content'
  }
};
const STORE = 'retire.lang';
let lang = localStorage.getItem(STORE) === 'en' ? 'en' : 'zh';
const listeners = [];

export function addTexts({ zh = {}, en = {} }) {
  Object.assign(dictionaries.zh, zh);
  Object.assign(dictionaries.en, en);
}

export function t(key, params = {}) {
  const text = dictionaries[lang][key] ?? dictionaries.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? ''));
}

export const getLang = () => lang;
export const acceptLanguage = () => (lang === 'zh' ? 'zh-CN' : 'en');

export function setLang(next) {
  lang = next;
  localStorage.setItem(STORE, next);
  document.documentElement.lang = acceptLanguage();
  listeners.forEach((fn) => fn(next));
}

export function onLangChange(fn) {
  listeners.push(fn);
}

export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false });
}

/** A calendar day (YYYY-MM-DD) as the reader writes it. */
export function formatDay(iso) {
  if (!iso) return '';
  const d = new Date(String(iso).length === 10 ? `${iso}T00:00:00+08:00` : iso);
  return isNaN(d) ? iso : d.toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai' });
}

document.documentElement.lang = acceptLanguage();
