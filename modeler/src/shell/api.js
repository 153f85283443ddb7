// The API client every page shares: bearer token in sessionStorage (one namespace per page, so a clerk's
// inbox login never opens the modeler), one refresh on a 401, the page's language sent as Accept-Language.
import { acceptLanguage } from './i18n.js';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
  /** The server's field errors as {field: 'message; message'} (422 bodies carry errors.json.<field>). */
  get fieldErrors() {
    const errs = this.body.errors || {};
    const flat = {};
    for (const group of Object.values(errs)) {
      if (!group || typeof group !== 'object') continue;
      for (const [field, msgs] of Object.entries(group)) flat[field] = [].concat(msgs).flat().map(String).join('；');
    }
    return flat;
  }
}

export const qs = (params) => {
  const s = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  return s.toString() ? `?${s}` : '';
};

export function makeClient(ns) {
  const TOKEN = `${ns}.token`, USER = `${ns}.user`, REFRESH = `${ns}.refresh`;
  let onUnauthorized = () => {};
  const session = {
    get token() { return sessionStorage.getItem(TOKEN); },
    get user() { try { return JSON.parse(sessionStorage.getItem(USER)); } catch { return null; } },
    get refreshToken() { return sessionStorage.getItem(REFRESH); },
    save(token, user, refreshToken) {
      sessionStorage.setItem(TOKEN, token);
      sessionStorage.setItem(USER, JSON.stringify(user));
      if (refreshToken) sessionStorage.setItem(REFRESH, refreshToken);
    },
    clear() { [TOKEN, USER, REFRESH].forEach((k) => sessionStorage.removeItem(k)); }
  };

  async function refreshed() {
    if (!session.refreshToken) return false;
    const res = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: session.refreshToken }) });
    if (!res.ok) return false;
    const data = await res.json();
    session.save(data.token, data.user || session.user, data.refresh_token);
    return true;
  }

  async function request(method, path, body, retried = false) {
    const headers = { Accept: 'application/json', 'Accept-Language': acceptLanguage() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (session.token) headers.Authorization = `Bearer ${session.token}`;
    const res = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = { message: text.slice(0, 200) }; }
    if (!res.ok) {
      if (res.status === 401 && !path.startsWith('/auth/') && !path.startsWith('/public/')) {
        if (!retried && await refreshed()) return request(method, path, body, true);
        onUnauthorized();
      }
      throw new ApiError(res.status, data);
    }
    return data;
  }

  /** A binary download (a PDF) with the same token; resolves to an object URL. */
  async function blobUrl(path, retried = false) {
    const res = await fetch(`/api${path}`, { headers: { Authorization: `Bearer ${session.token}`, 'Accept-Language': acceptLanguage() } });
    if (res.status === 401 && !retried && await refreshed()) return blobUrl(path, true);
    if (!res.ok) {
      let data = null;
      try { data = await res.json(); } catch { /* not JSON */ }
      throw new ApiError(res.status, data);
    }
    return URL.createObjectURL(await res.blob());
  }

  async function logout() {
    try { if (session.token) await request('POST', '/auth/logout', {}); } catch { /* already ended */ }
    session.clear();
  }

  return {
    session, request, blobUrl, logout,
    get: (path, params = {}) => request('GET', `${path}${qs(params)}`),
    post: (path, body = {}) => request('POST', path, body),
    login: (username, password) => request('POST', '/auth/token', { username, password }),
    setUnauthorizedHandler(fn) { onUnauthorized = fn; }
  };
}
