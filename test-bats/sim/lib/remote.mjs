// @ts-check
// Commands "run" inside a simulated VM over the fake ssh (a small, honest subset).
import { now } from './state.mjs';
import { out } from './util.mjs';
import crypto from 'node:crypto';
import { runtime, bootVolume } from './vm.mjs';

/**
 * @param {any} st @param {any} g @param {string} user @param {string} cmd
 * @param {(s: number) => void} pause  waits in simulated time without holding the state lock
 * @returns {{out: string, err: string, code: number}}
 */
export function runRemote(st, g, user, cmd, pause) {
  let outS = ''; let errS = ''; let code = 0;
  const parts = cmd.split(/\s*(&&|;|\|\|)\s*/);
  let op = ';';
  for (let i = 0; i < parts.length; i += 2) {
    if (i > 0) op = parts[i - 1];
    if ((op === '&&' && code !== 0) || (op === '||' && code === 0)) continue;
    let c = parts[i].trim().replace(/\s*[12]?>\s*\/dev\/null/g, '').replace(/^sudo\s+(-n\s+)?/, '');
    let m;
    if (c === '' || c === 'true' || c === ':') code = 0;
    else if (c === 'false') code = 1;
    else if ((m = /^exit(?:\s+(\d+))?$/.exec(c))) return { out: outS, err: errS, code: Number(m[1] ?? code) };
    else if ((m = /^echo\s*(.*)$/.exec(c))) { outS += m[1].replace(/^(['"])(.*)\1$/, '$2') + '\n'; code = 0; }
    else if (/^cloud-init status\b/.test(c)) {
      // cloudinit/cmd/status.py (canonical/cloud-init): --wait writes "." every 0.25 s while
      // cloud-init runs, then "\nstatus: X"; exit 1 on error (status: error), 2 when degraded
      // (recoverable errors; status: done). `pvesim cloud-init error|degraded` sets the result.
      let rt = runtime(st, g);
      const wait = /--wait|-w\b/.test(c);
      if (!rt.ciDone && wait) {
        const s = Math.min(600, Math.max(0.05, ((rt.ciDoneAt ?? 0) - now(st)) / 1000 + 0.02));
        out(`${outS}.`); outS = ''; // the first dot comes at once (a watcher sees the login worked)
        pause(s);
        outS += '.'.repeat(Math.ceil(s / 0.25) - 1);
        rt = runtime(st, g);
      }
      const res = rt.ciDone ? (st.cloudInitResult ?? 'done') : 'running';
      outS += `${wait ? '\n' : ''}status: ${res === 'degraded' ? 'done' : res}\n`;
      code = res === 'error' ? 1 : res === 'degraded' ? 2 : 0;
    } else if (c === 'hostname') { outS += `${g.config.name ?? `vm${g.vmid}`}\n`; code = 0; }
    else if (c === 'whoami' || c === 'id -un') { outS += `${user}\n`; code = 0; }
    else if (/^test -[ef] \/var\/lib\/cloud\/instance\/boot-finished$/.test(c)) code = runtime(st, g).ciDone ? 0 : 1;
    else if (/^systemctl is-active (--quiet )?qemu-guest-agent/.test(c)) { const up = runtime(st, g).agentUp; if (!/--quiet/.test(c)) outS += up ? 'active\n' : 'inactive\n'; code = up ? 0 : 3; }
    else if (c === 'uname -r') { outS += '6.8.0-31-generic\n'; code = 0; }
    else if (c === 'cat /etc/machine-id') { outS += `${bootVolume(st, g)?.machineId ?? ''}\n`; code = 0; }
    else if (/^(truncate -s ?0 \/etc\/machine-id|: ?> ?\/etc\/machine-id|rm -f \/etc\/machine-id|cloud-init clean\b.*--machine-id.*)$/.test(c)) {
      const v = bootVolume(st, g); if (v) v.machineId = ''; code = 0; // reset: systemd makes a new one on the next boot
    } else if (c === 'rm -f /var/lib/dbus/machine-id') code = 0;
    else if (c === 'systemd-machine-id-setup') { const v = bootVolume(st, g); if (v && !v.machineId) v.machineId = crypto.randomBytes(16).toString('hex'); code = 0; }
    else { errS += `bash: line 1: ${c.split(/\s+/)[0]}: command not found\n`; code = 127; }
  }
  return { out: outS, err: errS, code };
}
