// @ts-check
// Fake `pvesh` (pve-manager PVE/CLI/pvesh.pm): get/create/set/delete on the simulated API.
import { die, out, err, canonical, perlPretty, versionAtLeast } from './util.mjs';
import { paramSchema, checkParams, formatErrors } from './schema.mjs';
import { getopt } from './getopt.mjs';
import { apiGet, onlineNode } from './api.mjs';
import { localVm, startVm, stopVm, checkLock } from './vm.mjs';
import { createVm, updateVm, destroyVm, resizeVm, checkVmidUnused } from './guest.mjs';
import { templateCheck, templateVm, cloneCheck, cloneRun } from './clone.mjs';
import { downloadUrl } from './download-url.mjs';
import { snapshotVm, rollbackVm } from './snapshot.mjs';
import { checkSshKeys } from './sshkeys.mjs';

const FORMAT_OPTS = { 'output-format': { type: 'string', enum: ['text', 'json', 'json-pretty', 'yaml'] }, noborder: { type: 'boolean' }, noheader: { type: 'boolean' }, 'human-readable': { type: 'boolean' }, quiet: { type: 'boolean' } };
const METHOD = /** @type {Record<string, string>} */ ({ get: 'GET', ls: 'GET', create: 'POST', set: 'PUT', delete: 'DELETE' });

/** `/nodes/pve/qemu/100/config` → `/nodes/{node}/qemu/{vmid}/config` and the path parameters. */
function template(p) {
  /** @type {Record<string, string>} */
  const vars = {};
  const t = p.replace(/^\/nodes\/([^/]+)/, (_, n) => { vars.node = n; return '/nodes/{node}'; })
    .replace(/\/(qemu|lxc)\/(\d+)/, (_, k, id) => { vars.vmid = id; return `/${k}/{vmid}`; })
    .replace(/\/storage\/([^/]+)/, (_, s) => { vars.storage = s; return '/storage/{storage}'; })
    .replace(/\/snapshot\/([^/]+)/, (_, s) => { vars.snapname = s; return '/snapshot/{snapname}'; });
  return { t, vars };
}

let seq = 0;
const upid = (/** @type {any} */ st, node, type, id) => `UPID:${node}:${(process.pid).toString(16).toUpperCase().padStart(8, '0')}:${(++seq + st.seq++).toString(16).toUpperCase().padStart(8, '0')}:${Math.floor(Date.now() / 1000).toString(16).toUpperCase()}:${type}:${id}:root@pam:`;

/** @param {{st: any, args: string[], pause: (s: number) => void}} ctx */
export async function run(ctx) {
  const st = ctx.st;
  const args = ctx.args.filter((x) => x !== '--nooutput');
  const quietTask = args.length !== ctx.args.length;
  const [verb, path0, ...rest] = args;
  const usage = `pvesh ${verb} <api_path> [OPTIONS] [FORMAT_OPTIONS]`;
  if (!METHOD[verb ?? '']) { err(`ERROR: unknown command 'pvesh ${verb ?? ''}'\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]\n`); return 255; }
  if (!path0) die(`400 not enough arguments\n${usage}`);
  const p = ('/' + path0.replace(/^\/+|\/+$/g, '')).replace(/\/+/g, '/');
  const { t, vars } = template(p);
  const props = paramSchema(t, METHOD[verb], st.version);
  if (!props && verb !== 'get') die(`No '${verb}' handler defined for '${p.slice(1)}'`);
  const own = Object.fromEntries(Object.entries(props ?? {}).filter(([k]) => !(k in vars)));
  const { params } = getopt(rest, own, { usage, extra: FORMAT_OPTS });
  const fmt = params['output-format'] ?? 'text';
  /** @type {Record<string, string>} */
  const q = Object.fromEntries(Object.entries(params).filter(([k]) => !(k in FORMAT_OPTS)));
  if (props) {
    const errs = checkParams(props, { ...q, ...vars });
    if (Object.keys(errs).length) die(formatErrors(errs, usage));
  }
  if (vars.node) onlineNode(st, vars.node);
  if (verb === 'get' || verb === 'ls') { print(apiGet(st, p, q), fmt, params); return 0; }
  if (q.sshkeys !== undefined) checkSshKeys(decodeURIComponent(q.sshkeys));
  const node = vars.node ?? st.localNode;
  /** runs a worker task in the foreground: errors go to stderr, pvesh still exits 0 */
  const task = (/** @type {string} */ type, /** @type {string} */ id, /** @type {() => void} */ fn) => {
    try { fn(); } catch (e) { if (!(e instanceof Error) || /** @type {any} */ (e).killed) throw e; // a killed worker kills pvesh too
      err(e.message.endsWith('\n') ? e.message : e.message + '\n'); }
    if (!quietTask) out(upid(st, node, type, id) + '\n');
    return 0;
  };
  if (t === '/nodes/{node}/qemu' && verb === 'create') {
    checkVmidUnused(st, q.vmid);
    return task('qmcreate', q.vmid, () => createVm(ctx, node, q.vmid, q));
  }
  if (t === '/nodes/{node}/storage/{storage}/download-url' && verb === 'create') {
    const check = downloadUrl(ctx, node, vars.storage, q);
    return task('download', q.filename, () => check.run());
  }
  if (!vars.vmid) die(`No '${verb}' handler defined for '${p.slice(1)}'`);
  const g = localVm(st, vars.vmid, node);
  const action = t.replace('/nodes/{node}/qemu/{vmid}', '');
  if (verb === 'delete' && action === '') {
    checkLock(g, q.skiplock === '1');
    if (g.status === 'running') die(`VM ${g.vmid} is running - destroy failed`);
    return task('qmdestroy', vars.vmid, () => destroyVm(st, g, { purge: q.purge === '1', unreferenced: q['destroy-unreferenced-disks'] === '1' }));
  }
  if (action === '/config' && verb === 'set') { updateVm(st, g, q, { print: false }); return 0; }
  if (action === '/config' && verb === 'create') return task('qmconfig', vars.vmid, () => updateVm(st, g, q, { print: false }));
  if (action === '/template' && verb === 'create') {
    templateCheck(g);
    return task('qmtemplate', vars.vmid, () => templateVm(st, g));
  }
  if (action === '/clone' && verb === 'create') {
    const plan = cloneCheck(st, node, g, q);
    return task('qmclone', vars.vmid, () => cloneRun(ctx, node, g, q, plan));
  }
  if (action === '/status/start') return task('qmstart', vars.vmid, () => startVm(st, g, { skiplock: q.skiplock === '1' }));
  if (action === '/status/stop' || action === '/status/shutdown') return task(action === '/status/stop' ? 'qmstop' : 'qmshutdown', vars.vmid, () => { checkLock(g, q.skiplock === '1'); stopVm(g); });
  if (action === '/status/reboot') return task('qmreboot', vars.vmid, () => {
    checkLock(g);
    if (g.status !== 'running') throw new Error(`VM ${g.vmid} not running`);
    stopVm(g); startVm(st, g);
  });
  if (action === '/snapshot' && verb === 'create') return task('qmsnapshot', vars.vmid, () => snapshotVm(st, g, q.snapname, { description: q.description ?? '', vmstate: q.vmstate === '1' }));
  if (action === '/snapshot/{snapname}/rollback' && verb === 'create') return task('qmrollback', vars.vmid, () => rollbackVm(st, g, vars.snapname, { start: q.start === '1' }));
  if (action === '/resize' && verb === 'set') {
    if (!versionAtLeast(st.version, '8.0')) { const rc = resizeVm(st, g, q.disk, q.size); return rc; }
    return task('resize', vars.vmid, () => { if (resizeVm(st, g, q.disk, q.size) !== 0) throw new Error(''); });
  }
  die(`No '${verb}' handler defined for '${p.slice(1)}'`);
}

/** CLIFormatter::print_api_result (text table, json, json-pretty). */
function print(data, fmt, params) {
  if (fmt === 'json') { out(JSON.stringify(canonical(data ?? null)) + '\n'); return; }
  if (fmt === 'json-pretty' || fmt === 'yaml') { out(perlPretty(data ?? null) + '\n'); return; }
  if (data === null || data === undefined) return;
  if (typeof data !== 'object') { out(`${data}\n`); return; }
  const border = params.noborder !== '1'; const header = params.noheader !== '1';
  const cell = (/** @type {any} */ v) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(canonical(v)) : String(v));
  /** @type {string[]} */
  let cols; /** @type {string[][]} */ let rows;
  if (Array.isArray(data)) {
    cols = [...new Set(data.flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : [])))].sort();
    rows = data.map((r) => cols.map((c) => cell(r?.[c])));
  } else {
    cols = ['key', 'value'];
    rows = Object.keys(data).sort().map((k) => [k, cell(data[k])]);
  }
  const w = cols.map((c, i) => Math.max(header ? c.length : 0, ...rows.map((r) => r[i].length)));
  const line = (/** @type {string[]} */ r) => (border ? '│ ' + r.map((x, i) => x.padEnd(w[i])).join(' │ ') + ' │' : r.map((x, i) => x.padEnd(w[i])).join(' ').trimEnd());
  const rule = (/** @type {string} */ l, /** @type {string} */ m, /** @type {string} */ r, /** @type {string} */ f) => l + w.map((x) => f.repeat(x + 2)).join(m) + r;
  if (border) out(rule('┌', '┬', '┐', '─') + '\n');
  if (header) { out(line(cols) + '\n'); if (border) out(rule('╞', '╪', '╡', '═') + '\n'); }
  for (const r of rows) out(line(r) + '\n');
  if (border) out(rule('└', '┴', '┘', '─') + '\n');
}
