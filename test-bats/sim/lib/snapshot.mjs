// @ts-check
// VM snapshots: qm snapshot / rollback and POST|GET /nodes/N/qemu/ID/snapshot[/NAME/rollback]
// (qemu-server API2/Qemu.pm snapshot, rollback; pve-guest-common AbstractConfig.pm snapshot_prepare,
// snapshot_rollback; the storage rules of pve-storage volume_has_feature 'snapshot').
import { die } from './util.mjs';
import { DISK_RE, checkLock, startVm, stopVm } from './vm.mjs';
import { parseVolid } from './host.mjs';
import { now } from './state.mjs';

/** volume_has_feature(snapshot) per storage type: Plugin.pm (dir, nfs, cifs) only for qcow2;
 * LvmThinPlugin, ZFSPoolPlugin, RBDPlugin, BTRFSPlugin always; LVMPlugin never. @param {any} st */
function volumeCanSnapshot(st, volid) {
  const { store, volname } = parseVolid(st, volid);
  const type = st.storages[store].type;
  if (['lvmthin', 'zfspool', 'rbd', 'btrfs'].includes(type)) return true;
  if (['dir', 'nfs', 'cifs'].includes(type)) return /\.qcow2$/.test(volname);
  return false;
}

/** QemuServer has_feature('snapshot'): every disk but CD-ROMs (the cloud-init drive is one). */
function checkFeature(st, g) {
  for (const [k, v] of Object.entries(g.config)) {
    if (!DISK_RE.test(k) || k.startsWith('unused') || /media=cdrom/.test(String(v))) continue;
    const volid = /^([a-zA-Z][\w.-]*:[^,]+)/.exec(String(v))?.[1];
    if (volid && !volumeCanSnapshot(st, volid)) die('snapshot feature is not available');
  }
}

/** API2/Qemu.pm snapshot + AbstractConfig snapshot_create. @param {any} st @param {any} g */
export function snapshotVm(st, g, name, { description = '', vmstate = false } = {}) {
  if (name === 'current') die("unable to use snapshot name 'current' (reserved name)");
  if (name.toLowerCase() === 'pending') die("unable to use snapshot name 'pending' (reserved name)");
  checkLock(g);
  g.snapshots ??= {};
  if (g.snapshots[name]) die(`snapshot name '${name}' already used`);
  checkFeature(st, g);
  const conf = { ...g.config };
  delete conf.lock;
  g.snapshots[name] = { conf, snaptime: Math.floor(now(st) / 1000), description,
    vmstate: vmstate && g.status === 'running' ? 1 : 0 };
  g.config.parent = name;
}

/** AbstractConfig snapshot_rollback: a running VM is stopped first (no RAM state kept); the disks
 * and the config return to the snapshot's; --start boots it after. @param {any} st @param {any} g */
export function rollbackVm(st, g, name, { start = false } = {}) {
  checkLock(g);
  const snap = g.snapshots?.[name];
  if (!snap) die(`snapshot '${name}' does not exist`);
  if (g.status === 'running' && !snap.vmstate) stopVm(g);
  g.config = { ...snap.conf, parent: name };
  if (start || snap.vmstate) startVm(st, g);
}

/** GET /nodes/N/qemu/ID/snapshot: the snapshots, then "current" (You are here!). @param {any} g */
export function snapshotList(g) {
  const list = Object.entries(g.snapshots ?? {}).map(([name, s]) => ({ name, description: s.description,
    snaptime: s.snaptime, ...(s.conf.parent ? { parent: s.conf.parent } : {}), ...(s.vmstate ? { vmstate: 1 } : {}) }));
  list.push({ name: 'current', description: 'You are here!', running: g.status === 'running' ? 1 : 0,
    ...(g.config.parent ? { parent: g.config.parent } : {}) });
  return list;
}
