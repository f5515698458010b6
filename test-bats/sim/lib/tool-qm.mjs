// @ts-check
// Fake `qm` (qemu-server PVE/CLI/qm.pm), acting on the local node.
import fs from 'node:fs';
import { die, out, err, uriEscape, perlPretty, versionAtLeast } from './util.mjs';
import { paramSchema, checkParams, formatErrors } from './schema.mjs';
import { getopt } from './getopt.mjs';
import { localVm, checkLock, startVm, stopVm, agentCall, runtime } from './vm.mjs';
import { createVm, updateVm, destroyVm, resizeVm, importDisk, configLines } from './guest.mjs';
import { templateCheck, templateVm, cloneCheck, cloneRun } from './clone.mjs';
import { snapshotVm, rollbackVm } from './snapshot.mjs';

const Q = '/nodes/{node}/qemu/{vmid}';
const bool = (/** @type {string|undefined} */ v) => /^(1|on|yes|true)$/i.test(v ?? '0');

/** Parses and checks options against the API method's schema, as cli_handler does. */
function cli(st, args, apiPath, method, positional, usage, extra = {}, mapping = {}) {
  const props = { ...(paramSchema(apiPath, method, st.version) ?? {}) };
  delete props.node;
  for (const p of positional) delete props[p];
  const { params, pos } = getopt(args, props, { positional, usage, extra });
  for (const [k, f] of Object.entries(mapping)) if (params[k] !== undefined) params[k] = /** @type {any} */ (f)(params[k]);
  /** @type {Record<string, string>} */
  const named = {};
  positional.forEach((p, i) => { named[p] = pos[i]; });
  const full = paramSchema(apiPath, method, st.version) ?? {};
  const checkProps = Object.fromEntries(Object.entries(full).filter(([k]) => k !== 'node'));
  const toCheck = { ...params, ...Object.fromEntries(Object.entries(named).filter(([k]) => checkProps[k])) };
  for (const k of Object.keys(extra)) delete toCheck[k];
  const errs = checkParams(checkProps, toCheck);
  for (const k of Object.keys(errs)) if (!(k in toCheck) && !k.includes('.')) delete errs[k];
  if (Object.keys(errs).length) die(formatErrors(errs, usage));
  return { params, pos: named };
}

/** qm.pm param_mapping for sshkeys: a file path, read and url-encoded. */
const sshkeysFile = (/** @type {string} */ f) => {
  try { return uriEscape(fs.readFileSync(f, 'utf8')); } catch { return die(`can't open '${f}' - No such file or directory`, 2); }
};

const COMMANDS = 'cleanup clone cloudinit config create delsnapshot destroy disk guest help importdisk importovf list listsnapshot migrate monitor mtunnel nbdstop pending reboot remote-migrate rescan reset resize resume rollback sendkey set showcmd shutdown snapshot start status stop suspend template terminal unlock vncproxy wait';

/** @param {{st: any, args: string[], pause: (s: number) => void}} ctx */
export async function run(ctx) {
  let [cmd, ...a] = ctx.args;
  const st = ctx.st;
  if (cmd === 'disk' && ['import', 'resize'].includes(a[0])) { cmd = a[0] === 'import' ? 'importdisk' : 'resize'; a = a.slice(1); }
  if (cmd === 'agent' || (cmd === 'guest' && a[0] === 'cmd')) {
    if (cmd === 'guest') a = a.slice(1);
    const { pos } = cli(st, a, `${Q}/agent/network-get-interfaces`, 'GET', ['vmid', 'command'], 'qm guest cmd <vmid> <command>');
    const res = agentCall(st, localVm(st, pos.vmid), pos.command);
    if (res && (!Array.isArray(res) ? Object.keys(res).length : true)) out(perlPretty(res) + '\n');
    return 0;
  }
  switch (cmd) {
    case 'create': {
      const { params, pos } = cli(st, a, '/nodes/{node}/qemu', 'POST', ['vmid'], 'qm create <vmid> [OPTIONS]', {}, { sshkeys: sshkeysFile });
      createVm(ctx, st.localNode, pos.vmid, params);
      return 0;
    }
    case 'set': {
      const { params, pos } = cli(st, a, `${Q}/config`, 'PUT', ['vmid'], 'qm set <vmid> [OPTIONS]', {}, { sshkeys: sshkeysFile });
      updateVm(st, localVm(st, pos.vmid), params);
      return 0;
    }
    case 'config': {
      const { pos } = cli(st, a, `${Q}/config`, 'GET', ['vmid'], 'qm config <vmid> [OPTIONS]');
      out(configLines(localVm(st, pos.vmid)));
      return 0;
    }
    case 'status': {
      const { params, pos } = cli(st, a, `${Q}/status/current`, 'GET', ['vmid'], 'qm status <vmid> [OPTIONS]', { verbose: { type: 'boolean' } });
      const g = localVm(st, pos.vmid);
      const status = g.status === 'running' ? 'running' : 'stopped';
      if (bool(params.verbose)) {
        const rt = runtime(st, g);
        const v = { status, qmpstatus: status, vmid: g.vmid, name: g.config.name, agent: g.config.agent ? 1 : undefined, lock: g.config.lock, pid: g.pid ?? undefined, uptime: rt.running ? Math.floor((Date.now() - g.startedAt) / 1000) : 0, tags: g.config.tags };
        for (const k of Object.keys(v).sort()) if (v[/** @type {keyof v} */ (k)] !== undefined) out(`${k}: ${v[/** @type {keyof v} */ (k)]}\n`);
      } else out(`status: ${status}\n`);
      return 0;
    }
    case 'start': {
      const { params, pos } = cli(st, a, `${Q}/status/start`, 'POST', ['vmid'], 'qm start <vmid> [OPTIONS]');
      startVm(st, localVm(st, pos.vmid), { skiplock: bool(params.skiplock) });
      return 0;
    }
    case 'stop': case 'shutdown': {
      const { params, pos } = cli(st, a, `${Q}/status/${cmd}`, 'POST', ['vmid'], `qm ${cmd} <vmid> [OPTIONS]`);
      const g = localVm(st, pos.vmid);
      checkLock(g, bool(params.skiplock));
      stopVm(g);
      return 0;
    }
    case 'reboot': case 'reset': {
      const { pos } = cli(st, a, `${Q}/status/stop`, 'POST', ['vmid'], `qm ${cmd} <vmid> [OPTIONS]`);
      const g = localVm(st, pos.vmid);
      checkLock(g);
      if (g.status !== 'running') die(`VM ${g.vmid} not running`);
      stopVm(g); startVm(st, g);
      return 0;
    }
    case 'snapshot': {
      const { params, pos } = cli(st, a, `${Q}/snapshot`, 'POST', ['vmid', 'snapname'], 'qm snapshot <vmid> <snapname> [OPTIONS]');
      snapshotVm(st, localVm(st, pos.vmid), pos.snapname, { description: params.description ?? '', vmstate: bool(params.vmstate) });
      return 0;
    }
    case 'rollback': {
      const { params, pos } = cli(st, a, `${Q}/snapshot/{snapname}/rollback`, 'POST', ['vmid', 'snapname'], 'qm rollback <vmid> <snapname> [OPTIONS]');
      rollbackVm(st, localVm(st, pos.vmid), pos.snapname, { start: bool(params.start) });
      return 0;
    }
    case 'destroy': {
      const { params, pos } = cli(st, a, Q, 'DELETE', ['vmid'], 'qm destroy <vmid> [OPTIONS]');
      destroyVm(st, localVm(st, pos.vmid), { purge: bool(params.purge), unreferenced: bool(params['destroy-unreferenced-disks']), skiplock: bool(params.skiplock) });
      return 0;
    }
    case 'resize': {
      const { params, pos } = cli(st, a, `${Q}/resize`, 'PUT', ['vmid', 'disk', 'size'], 'qm disk resize <vmid> <disk> <size> [OPTIONS]');
      return resizeVm(st, localVm(st, pos.vmid), pos.disk, pos.size, { skiplock: bool(params.skiplock) });
    }
    case 'importdisk': {
      const extra = { format: { type: 'string', enum: ['raw', 'qcow2', 'vmdk'] } };
      if (versionAtLeast(st.version, '8.3')) Object.assign(extra, { 'target-disk': { type: 'string' } });
      const { params, pos } = cli(st, a, `${Q}/unlink`, 'NONE', ['vmid', 'source', 'storage'], 'qm disk import <vmid> <source> <storage> [OPTIONS]', extra);
      importDisk(st, localVm(st, pos.vmid), pos.source, pos.storage, { format: params.format, targetDisk: params['target-disk'] });
      return 0;
    }
    case 'template': {
      // qm.pm: no $upid_exit, so a failure inside the worker still exits 0 (the early checks exit 255)
      const { pos } = cli(st, a, `${Q}/template`, 'POST', ['vmid'], 'qm template <vmid> [OPTIONS]');
      const g = localVm(st, pos.vmid);
      templateCheck(g);
      try { templateVm(st, g); } catch (e) { err(`${/** @type {Error} */ (e).message.replace(/\n$/, '')}\n`); }
      return 0;
    }
    case 'clone': {
      const { params, pos } = cli(st, a, `${Q}/clone`, 'POST', ['vmid', 'newid'], 'qm clone <vmid> <newid> [OPTIONS]');
      const g = localVm(st, pos.vmid);
      const p = { ...params, newid: pos.newid };
      const plan = cloneCheck(st, st.localNode, g, p);
      cloneRun(ctx, st.localNode, g, p, plan);
      return 0;
    }
    case 'unlock': {
      const { pos } = cli(st, a, `${Q}/status/current`, 'GET', ['vmid'], 'qm unlock <vmid>');
      delete localVm(st, pos.vmid).config.lock;
      return 0;
    }
    case 'list': {
      const { params } = cli(st, a, '/nodes/{node}/qemu', 'GET', [], 'qm list  [OPTIONS]');
      const vms = Object.values(st.guests).filter((g) => g.type === 'qemu' && g.node === st.localNode).sort((x, y) => x.vmid - y.vmid);
      if (!vms.length) return 0;
      const f = (/** @type {any[]} */ r) => `${String(r[0]).padStart(10)} ${String(r[1]).padEnd(20)} ${String(r[2]).padEnd(10)} ${String(r[3]).padEnd(10)} ${String(r[4]).padStart(12)} ${String(r[5]).padEnd(10)}\n`;
      out(f(['VMID', 'NAME', 'STATUS', 'MEM(MB)', 'BOOTDISK(GB)', 'PID']));
      for (const g of vms) {
        const disk = /size=(\d+(?:\.\d+)?)([MGT])/.exec(g.config.scsi0 ?? g.config.virtio0 ?? '');
        const gb = disk ? Number(disk[1]) * { M: 1 / 1024, G: 1, T: 1024 }[/** @type {'M'|'G'|'T'} */ (disk[2])] : 0;
        out(f([g.vmid, g.config.name ?? `VM ${g.vmid}`, g.status, String(parseInt(g.config.memory ?? '512', 10) || /\d+/.exec(g.config.memory ?? '')?.[0] || 512), gb.toFixed(2), g.pid ?? 0]));
      }
      void params;
      return 0;
    }
    case 'pending': {
      const { pos } = cli(st, a, `${Q}/config`, 'GET', ['vmid'], 'qm pending <vmid>');
      const g = localVm(st, pos.vmid);
      for (const k of Object.keys(g.config).sort()) out(`cur ${k}: ${k === 'cipassword' ? '**********' : g.config[k]}\n`);
      return 0;
    }
    case undefined: case 'help':
      err(`USAGE: qm <COMMAND> [ARGS] [OPTIONS]\n`);
      return cmd ? 0 : 255;
    default:
      err(`ERROR: unknown command 'qm ${cmd}'\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n${COMMANDS.split(' ').map((c) => `       qm ${c}`).join('\n')}\n`);
      return 255;
  }
}
