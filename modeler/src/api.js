// The modeler's calls, on the shell's shared API client (token in sessionStorage under 'modeler.*').
import { makeClient, ApiError, qs } from './shell/api.js';

export { ApiError };
const client = makeClient('modeler');
export const session = client.session;
export function setUnauthorizedHandler(fn) { client.setUnauthorizedHandler(fn); }
const request = client.request;

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
