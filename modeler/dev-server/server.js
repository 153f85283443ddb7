// Development stub of the modeler's API (canned, in-memory). Not used by the
// real application or its tests: the Flask app serves the same endpoints.
//   node dev-server/server.js [port]   → http://127.0.0.1:5199/modeler/
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const staticDir = path.resolve(here, '../../api/static/modeler');
const fixture = (name) => fs.readFileSync(path.join(here, 'fixtures', name), 'utf8');
const port = Number(process.argv.find((a) => /^\d+$/.test(a)) || process.env.PORT || 5199);

const localities = [
  { code: '000000', name: '全国', parent: null, level: 'national' },
  { code: '340000', name: '安徽省', parent: '000000', level: 'province' },
  { code: '340700', name: '铜陵市', parent: '340000', level: 'city' },
  { code: '340722', name: '枞阳县', parent: '340700', level: 'county' },
  { code: '220000', name: '吉林省', parent: '000000', level: 'province' }
];
const users = {
  policy: { username: 'policy', role: 'policy', locality: '000000', groups: [] },
  policy_ah: { username: 'policy_ah', role: 'policy', locality: '340000', groups: [] },
  policy_zy: { username: 'policy_zy', role: 'policy', locality: '340722', groups: [] }
};
const tokens = new Map();

const bpmnAh = fixture('retirement-340000.bpmn');
const bpmnAhV1 = bpmnAh.replace('P10D', 'P15D');
const bpmnZy = bpmnAh.replace('name="退休一件事"', 'name="枞阳县退休一件事"')
  .replace('name="短信提醒"', 'name="短信提醒(枞阳)"');
const bpmnJl = bpmnAh.replace('name="退休一件事"', 'name="吉林省退休一件事"');
let nextId = 1;
const defs = [];
function addDef(kind, key, name, locality, file_name, content, note = '初始版本', retired = false) {
  const version = defs.filter((d) => d.kind === kind && d.key === key && d.locality === locality).length + 1;
  const d = { id: nextId++, kind, key, name, locality, version, file_name, content, note, retired,
    author: 'policy', deployed_at: new Date(Date.now() - (100 - nextId) * 3600e3).toISOString() };
  defs.push(d);
  return d;
}
addDef('bpmn', 'retirement', '退休一件事', '340000', 'retirement.bpmn', bpmnAhV1);
addDef('bpmn', 'retirement', '退休一件事', '340000', 'retirement.bpmn', bpmnAh, '审核时限改为10天');
addDef('bpmn', 'retirement', '枞阳县退休一件事', '340722', 'retirement.bpmn', bpmnZy, '枞阳县适配');
addDef('bpmn', 'retirement', '吉林省退休一件事', '220000', 'retirement.bpmn', bpmnJl);
addDef('dmn', 'statutory_age', '法定退休年龄', '000000', 'statutory_age.dmn', fixture('statutory_age.dmn'));
addDef('form', 'pension_review', '养老金初审', '340000', 'pension_review.form', fixture('pension_review.form'));

const drafts = [];
let nextDraft = 1;
const instances = [
  { id: 101, business_key: 'ZY-2026-0001', definition_id: 3, version: 1, waiting_in: ['Task_review'] },
  { id: 102, business_key: 'ZY-2026-0002', definition_id: 3, version: 1, waiting_in: ['Task_pension'] },
  { id: 103, business_key: 'ZY-2026-0003', definition_id: 3, version: 1, waiting_in: ['Task_remind'] }
];
const KNOWN_TOPICS = ['data_bureau.send_sms', 'social_insurance.calculate_pension', 'housing_fund.withdraw',
  'medical_insurance.register_retiree', 'public_security.check_household', 'health.only_child_reward'];

// With --repo, serve the repository's own processes/ and forms/ (as the Flask app would) instead.
if (process.argv.includes('--repo')) {
  defs.length = 0;
  const root = path.resolve(here, '../..');
  for (const dir of ['processes', 'forms']) {
    for (const loc of fs.readdirSync(path.join(root, dir))) {
      const folder = path.join(root, dir, loc);
      if (!fs.statSync(folder).isDirectory()) continue;
      for (const f of fs.readdirSync(folder).filter((x) => /\.(bpmn|dmn|json)$/.test(x))) {
        const content = fs.readFileSync(path.join(folder, f), 'utf8');
        const kind = f.endsWith('.json') ? 'form' : f.endsWith('.dmn') ? 'dmn' : 'bpmn';
        const n = nameOf(kind, content, f.replace(/\.\w+$/, ''));
        const key = typeof n === 'string' ? n : n.key;
        addDef(kind, key, typeof n === 'string' ? n : n.name, loc, f, content);
        for (const m of content.matchAll(/camunda:topic="([^"]+)"/g)) if (!KNOWN_TOPICS.includes(m[1])) KNOWN_TOPICS.push(m[1]);
      }
    }
  }
  instances.forEach((i) => { i.definition_id = defs.find((d) => d.key === 'retirement' && d.locality === '340722')?.id; });
}
const pathTo = (code) => {
  const out = [];
  for (let l = localities.find((x) => x.code === code); l; l = localities.find((x) => x.code === l.parent)) out.push(l.code);
  return out;
};
const live = () => defs.filter((d) => !d.retired);
const meta = ({ content, retired, ...rest }) => rest;

function effective(code) {
  const chain = pathTo(code);
  const out = new Map();
  for (const loc of chain) {
    for (const d of live().filter((x) => x.locality === loc)) {
      const k = d.kind + ':' + d.key;
      const cur = out.get(k);
      if (cur && cur.locality !== loc) continue;
      if (!cur || cur.version < d.version) out.set(k, d);
    }
  }
  return [...out.values()].map((d) => ({
    ...meta(d),
    inherited: d.locality !== code,
    overridden: d.locality === code && chain.slice(1).some((a) => live().some((x) => x.locality === a && x.kind === d.kind && x.key === d.key))
  }));
}

function kindOf(name) {
  return name.endsWith('.dmn') ? 'dmn' : name.endsWith('.form') || name.endsWith('.json') ? 'form' : 'bpmn';
}

function validate(files) {
  const problems = [];
  for (const f of files) {
    const kind = kindOf(f.name);
    if (kind === 'bpmn') {
      if (!/<(\w+:)?definitions/.test(f.content)) problems.push({ file: f.name, element_id: null, message: '不是 BPMN 2.0 XML', severity: 'error' });
      for (const m of f.content.matchAll(/<(?:\w+:)?serviceTask\b([^>]*)>/g)) {
        const id = /\bid="([^"]+)"/.exec(m[1])?.[1];
        const topic = /camunda:topic="([^"]*)"/.exec(m[1])?.[1];
        if (topic !== undefined && !KNOWN_TOPICS.includes(topic)) problems.push({ file: f.name, element_id: id, message: `未知的外部任务主题 "${topic}"（没有处理程序）`, severity: 'error' });
      }
      for (const m of f.content.matchAll(/<(?:\w+:)?userTask\b([^>]*)>/g)) {
        const id = /\bid="([^"]+)"/.exec(m[1])?.[1];
        if (!/camunda:candidateGroups="[^"]+"/.test(m[1])) problems.push({ file: f.name, element_id: id, message: '用户任务缺少 camunda:candidateGroups', severity: 'error' });
      }
      for (const m of f.content.matchAll(/<(?:\w+:)?(timeDuration|timeCycle|timeDate)\b[^>]*>([^<]*)</g)) {
        if (m[1] === 'timeDuration' && !/^P(\d+[YMWD])*(T(\d+[HMS])+)?$/.test(m[2].trim())) problems.push({ file: f.name, element_id: null, message: `无效的 ISO 8601 时长 "${m[2]}"`, severity: 'error' });
      }
    } else if (kind === 'dmn') {
      for (const m of f.content.matchAll(/<inputEntry id="([^"]+)"[^>]*>\s*<text>([^<]*)<\/text>/g)) {
        const t = m[2];
        if ((t.match(/\[|\(/g) || []).length !== (t.match(/\]|\)/g) || []).length || /^\s*$/.test(t)) problems.push({ file: f.name, element_id: m[1], message: `FEEL 一元测试语法错误: ${t}`, severity: 'error' });
      }
    } else {
      try {
        const schema = JSON.parse(f.content);
        for (const c of schema.components || []) {
          if (c.key !== undefined && !String(c.label || '').trim()) problems.push({ file: f.name, element_id: c.id, message: '字段缺少标签', severity: 'error' });
        }
      } catch (e) {
        problems.push({ file: f.name, element_id: null, message: 'JSON 解析失败: ' + e.message, severity: 'error' });
      }
    }
  }
  return problems;
}

function elementsOf(def) {
  const m = new Map();
  if (def.kind === 'form') {
    for (const c of JSON.parse(def.content).components || []) m.set(c.id, { id: c.id, type: c.type, name: c.label || '', attrs: JSON.stringify(c) });
  } else {
    for (const x of def.content.matchAll(/<([\w:]+)\s+([^>]*?\bid="([^"]+)"[^>]*?)\/?>/g)) {
      if (/^(bpmndi|dmndi|dc|di):/.test(x[1]) || /_di$/.test(x[3])) continue;
      const name = /\bname="([^"]*)"/.exec(x[2])?.[1] || '';
      const after = def.content.slice(x.index, def.content.indexOf('>', x.index + x[0].length) + 200);
      m.set(x[3], { id: x[3], type: x[1].replace(/^\w+:/, ''), name, attrs: x[2] + (/<(?:\w+:)?(?:timeDuration|text)>([^<]*)</.exec(after)?.[1] || '') });
    }
  }
  return m;
}

function diff(a, b) {
  const ea = elementsOf(a), eb = elementsOf(b);
  const strip = ({ attrs, ...r }) => r;
  return {
    added: [...ea.values()].filter((e) => !eb.has(e.id)).map(strip),
    removed: [...eb.values()].filter((e) => !ea.has(e.id)).map(strip),
    changed: [...ea.values()].filter((e) => eb.has(e.id) && eb.get(e.id).attrs !== e.attrs)
      .map((e) => ({ ...strip(e), changes: [`${eb.get(e.id).attrs} → ${e.attrs}`] }))
  };
}

function nameOf(kind, content, fallback) {
  if (kind === 'form') { try { return JSON.parse(content).id || fallback; } catch { return fallback; } }
  const re = kind === 'bpmn' ? /<(?:\w+:)?process\b[^>]*\bid="([^"]+)"(?:[^>]*\bname="([^"]*)")?/ : /<(?:\w+:)?decision\b[^>]*\bid="([^"]+)"(?:[^>]*\bname="([^"]*)")?/;
  const m = re.exec(content);
  return m ? { key: m[1], name: m[2] || m[1] } : { key: fallback, name: fallback };
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
const error = (res, code, message, extra = {}) => send(res, code, { code, status: http.STATUS_CODES[code], message, errors: {}, ...extra });

async function body(req) {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data ? JSON.parse(data) : {};
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.eot': 'application/vnd.ms-fontobject', '.png': 'image/png' };

http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  const q = Object.fromEntries(url.searchParams);
  try {
    if (!p.startsWith('/api/')) {
      if (p === '/' ) { res.writeHead(302, { location: '/modeler' }); return res.end(); }
      if (p === '/modeler' || p === '/modeler/') return serveFile(res, path.join(staticDir, 'index.html'));
      if (p.startsWith('/modeler/')) return serveFile(res, path.join(staticDir, p.slice('/modeler/'.length)));
      return error(res, 404, 'not found');
    }
    if (p === '/api/auth/token' && req.method === 'POST') {
      const b = await body(req);
      const u = users[b.username];
      if (!u || b.password !== 'policy123') return error(res, 401, '用户名或密码错误');
      const token = 'tok-' + Math.random().toString(36).slice(2);
      tokens.set(token, u);
      return send(res, 200, { token, expires_at: new Date(Date.now() + 8 * 3600e3).toISOString(), user: u });
    }
    const user = tokens.get((req.headers.authorization || '').replace(/^Bearer /, ''));
    if (!user) return error(res, 401, '需要登录');
    await new Promise((r) => setTimeout(r, 30));
    let m;
    if (p === '/api/localities') return send(res, 200, { items: localities });
    if (p === '/api/definitions' && req.method === 'GET') {
      let items = q.effective === 'true' ? effective(q.locality)
        : live().filter((d) => (!q.locality || d.locality === q.locality) && (!q.key || d.key === q.key) && (!q.kind || d.kind === q.kind)).map(meta);
      items.sort((a, b) => a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key) || b.version - a.version);
      return send(res, 200, { items, total: items.length });
    }
    if (p === '/api/definitions/validate' && req.method === 'POST') {
      const b = await body(req);
      const problems = validate(b.files || []);
      return send(res, 200, { valid: !problems.some((x) => x.severity === 'error'), problems });
    }
    if (p === '/api/definitions' && req.method === 'POST') {
      const b = await body(req);
      if (!b.note || !b.note.trim()) return error(res, 422, '需要变更说明', { errors: { json: { note: ['必填'] } } });
      if (user.locality !== '000000' && !pathTo(b.locality).includes(user.locality)) return error(res, 403, '无权部署到该地区');
      const problems = validate(b.files || []);
      if (problems.some((x) => x.severity === 'error')) return error(res, 422, '定义校验失败', { problems });
      const deployed = [], unchanged = [];
      for (const f of b.files) {
        const kind = kindOf(f.name);
        const n = nameOf(kind, f.content, f.name.replace(/\.\w+$/, ''));
        const key = typeof n === 'string' ? n : n.key;
        const name = typeof n === 'string' ? n : n.name;
        const latest = live().filter((d) => d.kind === kind && d.key === key && d.locality === b.locality).sort((x, y) => y.version - x.version)[0];
        if (latest && latest.content === f.content) unchanged.push(meta(latest));
        else {
          const d = addDef(kind, key, name, b.locality, f.name, f.content, b.note);
          d.author = user.username; d.deployed_at = new Date().toISOString();
          deployed.push(meta(d));
        }
      }
      return send(res, 201, { deployed, unchanged });
    }
    if ((m = /^\/api\/definitions\/(\d+)\/diff$/.exec(p))) {
      const a = defs.find((d) => d.id === +m[1]), b = defs.find((d) => d.id === +q.against);
      if (!a || !b) return error(res, 404, '定义不存在');
      return send(res, 200, diff(a, b));
    }
    if ((m = /^\/api\/definitions\/(\d+)$/.exec(p))) {
      const d = defs.find((x) => x.id === +m[1]);
      if (!d) return error(res, 404, '定义不存在');
      return send(res, 200, { ...meta(d), content: d.content });
    }
    if (p === '/api/drafts' && req.method === 'GET') {
      return send(res, 200, { items: drafts.filter((d) => !q.locality || d.locality === q.locality).map(({ content, ...r }) => r) });
    }
    if (p === '/api/drafts' && req.method === 'PUT') {
      const b = await body(req);
      let d = drafts.find((x) => x.locality === b.locality && x.file_name === b.file_name);
      if (!d) { d = { id: nextDraft++, locality: b.locality, file_name: b.file_name, kind: kindOf(b.file_name) }; drafts.push(d); }
      Object.assign(d, { content: b.content, updated_at: new Date().toISOString(), author: user.username });
      return send(res, 200, d);
    }
    if ((m = /^\/api\/drafts\/(\d+)$/.exec(p))) {
      const i = drafts.findIndex((x) => x.id === +m[1]);
      if (i < 0) return error(res, 404, '草稿不存在');
      if (req.method === 'DELETE') { drafts.splice(i, 1); return send(res, 204); }
      return send(res, 200, drafts[i]);
    }
    if ((m = /^\/api\/localities\/(\d+)\/overrides$/.exec(p)) && req.method === 'POST') {
      const b = await body(req);
      const src = defs.find((d) => d.id === b.definition_id);
      if (!src) return error(res, 404, '定义不存在');
      if (src.locality === m[1]) return error(res, 409, '该定义已在本地区');
      const d = addDef(src.kind, src.key, src.name, m[1], src.file_name, src.content, `适配自 ${src.locality} v${src.version}`);
      d.author = user.username;
      return send(res, 201, meta(d));
    }
    if ((m = /^\/api\/localities\/(\d+)\/overrides\/(\w+)\/([\w.-]+)$/.exec(p)) && req.method === 'DELETE') {
      const own = live().filter((d) => d.locality === m[1] && d.kind === m[2] && d.key === m[3]);
      if (!own.length) return error(res, 404, '没有本地覆盖');
      own.forEach((d) => { d.retired = true; });
      return send(res, 204);
    }
    if (p === '/api/instances') {
      const items = instances.filter((i) => {
        const d = defs.find((x) => x.id === i.definition_id);
        return (!q.key || d.key === q.key) && (!q.locality || d.locality === q.locality);
      });
      return send(res, 200, { items, total: items.length });
    }
    if (p === '/api/migrations' && req.method === 'POST') {
      const b = await body(req);
      const to = defs.find((d) => d.id === b.to_definition);
      if (!to) return error(res, 404, '目标版本不存在');
      const ids = elementsOf(to);
      const items = instances.filter((i) => i.definition_id === b.from_definition).map((i) => {
        const target = i.waiting_in.map((a) => (b.mappings || {})[a] || a);
        const missing = target.filter((a) => !ids.has(a));
        return { instance_id: i.id, business_key: i.business_key, from_activities: i.waiting_in, to_activities: target,
          outcome: missing.length ? 'refuse' : 'move', reason: missing.length ? `目标版本中没有活动 ${missing.join(', ')}` : '' };
      });
      if (!b.dry_run) items.filter((x) => x.outcome === 'move').forEach((x) => {
        const inst = instances.find((i) => i.id === x.instance_id);
        inst.definition_id = to.id; inst.version = to.version; inst.waiting_in = x.to_activities;
      });
      return send(res, 200, { items, moved: items.filter((x) => x.outcome === 'move').length, refused: items.filter((x) => x.outcome === 'refuse').length });
    }
    return error(res, 404, 'no such endpoint ' + p);
  } catch (e) {
    console.error(e);
    return error(res, 500, String(e));
  }
}).listen(port, '127.0.0.1', () => console.log(`stub API on http://127.0.0.1:${port}/modeler`));

function serveFile(res, file) {
  if (!file.startsWith(staticDir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return error(res, 404, 'not found');
  res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
}
