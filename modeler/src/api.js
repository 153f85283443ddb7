// Thin client for the /api endpoints the modeler uses. Token lives in sessionStorage.
const TOKEN_KEY = 'modeler.token';
const USER_KEY = 'modeler.user';
const REFRESH_KEY = 'modeler.refresh';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get user() { try { return JSON.parse(sessionStorage.getItem(USER_KEY)); } catch { return null; } },
  get refreshToken() { return sessionStorage.getItem(REFRESH_KEY); },
  save(token, user, refreshToken) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
    if (refreshToken) sessionStorage.setItem(REFRESH_KEY, refreshToken);
  },
  clear() { [TOKEN_KEY, USER_KEY, REFRESH_KEY].forEach((k) => sessionStorage.removeItem(k)); }
};

// Access tokens are short-lived: on a 401 the refresh token buys a new pair once, and the request is sent again,
// so a policy officer's unsaved diagram is never lost to an expired token.
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
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  const res = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text.slice(0, 200) }; }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/auth/')) {
      if (!retried && await refreshed()) return request(method, path, body, true);
      onUnauthorized();
    }
    throw new ApiError(res.status, data);
  }
  return data;
}

const qs = (params) => {
  const s = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  return s.toString() ? `?${s}` : '';
};

export const api = {
  login: (username, password) => request('POST', '/auth/token', { username, password }),
  localities: () => request('GET', '/localities'),
  effective: (locality) => request('GET', `/definitions${qs({ locality, effective: 'true', page_size: 500 })}`),
  versions: (locality, kind, key) => request('GET', `/definitions${qs({ locality, kind, key, page_size: 500 })}`),
  definition: (id) => request('GET', `/definitions/${id}`),
  diff: (id, against) => request('GET', `/definitions/${id}/diff${qs({ against })}`),
  validate: (locality, files) => request('POST', '/definitions/validate', { locality, files }),
  deploy: (locality, files, note) => request('POST', '/definitions', { locality, files, note }),
  drafts: (locality) => request('GET', `/drafts${qs({ locality })}`),
  draft: (id) => request('GET', `/drafts/${id}`),
  saveDraft: (locality, file_name, content) => request('PUT', '/drafts', { locality, file_name, content }),
  deleteDraft: (id) => request('DELETE', `/drafts/${id}`),
  adapt: (code, definition_id) => request('POST', `/localities/${code}/overrides`, { definition_id }),
  dropOverride: (code, kind, key) => request('DELETE', `/localities/${encodeURIComponent(code)}/overrides/${kind}/${encodeURIComponent(key)}`),
  instances: (key, locality) => request('GET', `/instances${qs({ key, locality, status: 'running', page_size: 500 })}`),
  migrate: (body) => request('POST', '/migrations', body)
};
