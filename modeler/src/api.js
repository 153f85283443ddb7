// Thin client for the /api endpoints the modeler uses. Token lives in sessionStorage.
const TOKEN_KEY = 'modeler.token';
const USER_KEY = 'modeler.user';

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
  save(token, user) { sessionStorage.setItem(TOKEN_KEY, token); sessionStorage.setItem(USER_KEY, JSON.stringify(user)); },
  clear() { sessionStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(USER_KEY); }
};

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  const res = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text.slice(0, 200) }; }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/auth/')) onUnauthorized();
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
