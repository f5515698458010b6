// @ts-check
// Entry of every fake tool: latency, the state lock, fault injection, the call log.
import fs from 'node:fs';
import { SimExit, err, sleep } from './util.mjs';
import { simDir, lock, unlock, load, save, logCall, statePath } from './state.mjs';

const READ_QM = new Set(['status', 'config', 'list', 'pending', 'showcmd', 'guest', 'agent', 'help', 'cloudinit', 'vncproxy', 'terminal']);
const READ_PVESM = new Set(['status', 'list', 'path', 'scan', 'help', 'apiinfo', 'extractconfig']);

/** Does this call change the host? @param {string} tool @param {string[]} a */
export function isMutating(tool, a) {
  switch (tool) {
    case 'qm': return !(READ_QM.has(a[0]) && !(a[0] === 'cloudinit' && a[1] === 'update') && !(a[0] === 'guest' && a[1] === 'exec'));
    case 'pvesh': return !['get', 'ls', 'usage', 'help'].includes(a.find((x) => !x.startsWith('-')) ?? 'get');
    case 'pvesm': return !READ_PVESM.has(a[0]);
    case 'curl': return a.some((x) => /^(-o|--output|-O|--remote-name)$/.test(x) || /^-[a-zA-Z]*o./.test(x) || /^-[a-zA-Z]*[oO]$/.test(x));
    case 'wget': return !a.some((x, i) => /^(-O|--output-document)$/.test(x) && a[i + 1] === '-') && !a.some((x) => /^(-O-|--spider)$/.test(x));
    case 'qemu-img': return !['info', 'check', 'measure', 'compare', '--help', '--version'].includes(a[0]);
    case 'ip': return a.some((x) => ['add', 'del', 'delete', 'set', 'flush', 'change', 'replace'].includes(x));
    default: return false;
  }
}

/** Default error of an injected fault, per tool (a real text of that tool). */
function faultText(tool, a) {
  const id = a.find((x) => /^\d+$/.test(x)) ?? '100';
  switch (tool) {
    case 'qm':
      if (a[0] === 'create') return `unable to create VM ${id} - can't lock file '/var/lock/qemu-server/lock-${id}.conf' - got timeout`;
      if (a[0] === 'start') return `start failed: QEMU exited with code 1`;
      return `can't lock file '/var/lock/qemu-server/lock-${id}.conf' - got timeout`;
    case 'pvesh': return `500 Can't connect to 127.0.0.1:85 (Connection refused)`;
    case 'curl': return 'curl: (28) Operation timed out after 30000 milliseconds with 0 bytes received';
    case 'wget': return 'failed: Connection timed out.';
    case 'ssh': return 'ssh: connect to host 10.233.0.10 port 22: Connection timed out';
    default: return `${tool}: injected fault`;
  }
}
const faultExit = (/** @type {string} */ tool) => ({ curl: 28, wget: 4, 'ssh-keyscan': 1, ip: 1, 'qemu-img': 1 })[tool] ?? 255;

/** @param {string} tool */
export async function main(tool) {
  const args = process.argv.slice(2);
  /** @type {any} */
  const rec = { tool, args, exit: 0, mutating: isMutating(tool, args) };
  let code = 0;
  let logged = false;
  try {
    simDir();
    if (!fs.existsSync(statePath())) load();
    const lat = JSON.parse(fs.readFileSync(statePath(), 'utf8')).latency;
    if (lat) sleep(lat);
    lock();
    const ctx = {
      st: load(), args, tool,
      /** releases the lock for `s` seconds, then reloads the state */
      pause(/** @type {number} */ s) { if (!s) return; save(ctx.st); unlock(); sleep(s); lock(); ctx.st = load(); },
    };
    const line = args.join(' ');
    for (const f of ctx.st.faults) {
      if (f.tool !== tool || !new RegExp(f.re).test(line)) continue;
      f.seen++;
      if (f.seen >= f.nth && (f.count === 0 || f.seen < f.nth + f.count)) {
        if (f.kill) { /** @type {any} */ (ctx).kill = true; continue; } // the tool dies part-way (guest.mjs createVm)
        save(ctx.st);
        throw new SimExit(f.exit ?? faultExit(tool), f.error ?? faultText(tool, args));
      }
    }
    const mod = await import(`./tool-${tool}.mjs`);
    try { code = (await mod.run(ctx)) ?? 0; } finally { save(ctx.st); }
  } catch (e) {
    if (e instanceof SimExit) {
      code = e.code;
      if (e.message) err(e.message.endsWith('\n') ? e.message : e.message + '\n');
    } else {
      code = 70;
      err(`pvesim internal error in ${tool}: ${/** @type {Error} */ (e).stack}\n`);
    }
  } finally {
    rec.exit = code;
    if (code !== 99) { try { logCall(rec); logged = true; } catch { /* no state dir */ } }
    unlock();
  }
  void logged;
  process.exit(code);
}
