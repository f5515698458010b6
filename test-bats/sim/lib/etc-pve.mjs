// @ts-check
// The pmxcfs view of guest configs: $PVESIM_DIR/etc-pve/nodes/NODE/{qemu-server,lxc}/ID.conf, as
// every cluster node sees /etc/pve (the bundle reads it with LINUS_PVE_ETC pointing here).
// Format as PVE writes it (qemu-server src/PVE/QemuServer.pm write_vm_config, pve-container
// src/PVE/LXC/Config.pm write_pct_config): the description as '#' comment lines first, then
// `key: value` lines sorted by key (digest is never stored in the file). Snapshot and [PENDING]
// sections are not modelled. Only files whose text changed are written, so a save stays cheap.
import fs from 'node:fs';
import path from 'node:path';

/** @param {any} g @returns {string} */
export function confText(g) {
  const c = g.config ?? {};
  let t = '';
  for (const l of String(c.description ?? '').split('\n')) if (c.description !== undefined) t += `#${l}\n`;
  for (const k of Object.keys(c).sort()) if (k !== 'description' && k !== 'digest') t += `${k}: ${c[k]}\n`;
  return t;
}

/** @param {any} g @returns {string} */
const confPath = (g) => path.join('nodes', g.node, g.type === 'lxc' ? 'lxc' : 'qemu-server', `${g.vmid}.conf`);

/** The files of `st` as {relative path: text}. @param {any} st */
export function etcFiles(st) {
  /** @type {Record<string, string>} */
  const files = {};
  for (const g of Object.values(st.guests ?? {})) files[confPath(g)] = confText(g);
  return files;
}

/**
 * Brings dir/etc-pve in line with `st`; `before` is etcFiles() of the state as loaded (undefined:
 * rewrite all, e.g. after init).
 * @param {string} dir @param {any} st @param {Record<string, string> | undefined} before
 */
export function syncEtc(dir, st, before) {
  const root = path.join(dir, 'etc-pve');
  const now = etcFiles(st);
  if (!before) {
    fs.rmSync(path.join(root, 'nodes'), { recursive: true, force: true });
    before = {};
  }
  for (const [p, t] of Object.entries(now)) {
    if (before[p] === t && fs.existsSync(path.join(root, p))) continue;
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    const tmp = path.join(root, `${p}.tmp.${process.pid}`);
    fs.writeFileSync(tmp, t);
    fs.renameSync(tmp, path.join(root, p));
  }
  for (const p of Object.keys(before)) if (!(p in now)) fs.rmSync(path.join(root, p), { force: true });
}
