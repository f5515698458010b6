// @ts-check
// `qm template` / POST .../template and `qm clone` / POST .../clone (qemu-server Qemu.pm
// `template`, `clone_vm`, QemuServer.pm `template_create`, `clone_disk`), with the storage
// plugins' base-volume and linked-clone rules (pve-storage Plugin.pm, LvmThinPlugin.pm,
// ZFSPoolPlugin.pm, RBDPlugin.pm, LVMPlugin.pm `volume_has_feature`, `create_base`, `clone_image`).
import crypto from 'node:crypto';
import { die, out, err, parsePropString } from './util.mjs';
import { formatErrors } from './schema.mjs';
import { allocVolume, nextDiskName, storageOn, isPathStorage, parseVolid } from './host.mjs';
import { DISK_RE, checkLock, randomMac } from './vm.mjs';
import { printTransfer, printDrive } from './disks.mjs';

/** Is a volume name a base volume (`base-100-disk-0`, `100/base-100-disk-0.qcow2`)? */
export const isBaseVol = (/** @type {string} */ volname) => /(^|\/)base-\d+-disk-\d+(\.\w+)?$/.test(volname);

/** volume_has_feature for template / clone (linked) / copy (full), per storage type. @param {any} st */
export function hasFeature(st, store, volname, feature) {
  const t = st.storages[store].type;
  const base = isBaseVol(volname);
  if (feature === 'copy') return true;
  if (t === 'lvm') return false; // LVMPlugin: only copy, rename, snapshot (qcow2)
  if (feature === 'template') return !base;
  if (feature === 'clone') return base; // lvmthin/rbd also from snapshots; no snapshots here
  return false;
}

/** Drive keys of a config that hold volumes, with the parsed drive. @param {any} g */
function drives(g) {
  return Object.keys(g.config).filter((k) => DISK_RE.test(k) && !k.startsWith('unused')).sort().map((k) => {
    const o = parsePropString(g.config[k], 'file');
    const cdrom = o.media === 'cdrom';
    const cloudinit = /(^|[:/])vm-\d+-cloudinit(\.\w+)?$/.test(o.file ?? '');
    return { key: k, o, file: o.file, cdrom: cdrom && !cloudinit, cloudinit };
  });
}

/** Template check (load_and_check of API `template`): errors before the worker. @param {any} g */
export function templateCheck(g) {
  checkLock(g);
  if (g.config.template) die("you can't convert a template to a template");
  if (g.status === 'running') die("you can't convert a VM to template if VM is running");
}

/** template_create: config `template: 1`, each disk renamed to a base volume where the storage can. @param {any} st @param {any} g */
export function templateVm(st, g) {
  templateCheck(g);
  g.config.template = '1';
  for (const d of drives(g)) {
    if (d.cdrom || d.cloudinit || !d.file || !/:/.test(d.file)) continue;
    const { store, volname } = parseVolid(st, d.file);
    if (!hasFeature(st, store, volname, 'template')) continue;
    const newname = volname.replace(/(^|\/)vm-(\d+-disk-\d+(\.\w+)?)$/, '$1base-$2');
    const vol = st.volumes[store][volname];
    delete st.volumes[store][volname];
    st.volumes[store][newname] = vol;
    if (st.storages[store].type === 'lvmthin') out(`  Renamed "${volname}" to "${newname}" in volume group "pve"\n`);
    const o = { ...d.o }; delete o.file;
    g.config[d.key] = printDrive(`${store}:${newname}`, o);
  }
}

/** Linked clones whose volume is based on `store:volname`. @param {any} st */
export function linkedClonesOf(st, store, volname) {
  return Object.entries(st.volumes[store] ?? {}).filter(([, v]) => v.base === `${store}:${volname}`).map(([n]) => `${store}:${n}`);
}

/**
 * Early checks of clone_vm (before the worker; errors here exit 255 from qm and pvesh alike).
 * @param {any} st @param {string} node the node the call goes to @param {any} g the source VM
 * @param {Record<string, string>} p newid, name, full, storage, format, target, description
 */
export function cloneCheck(st, node, g, p) {
  let target = p.target;
  if (target === node || target === 'localhost') target = undefined;
  if (target && !st.nodes.some((/** @type {any} */ n) => n.name === target)) die(`no such cluster node '${target}'`);
  if (p.storage) {
    if (!st.storages[p.storage]) die(`storage '${p.storage}' does not exist`);
    const s = storageOn(st, p.storage, node);
    if (!s) die(`storage '${p.storage}' is not available on node '${node}'`);
    if (!s.content.includes('images')) die(formatErrors({ storage: `storage '${p.storage}' does not support vm images` }, ''));
    if (target) {
      if (!storageOn(st, p.storage, target)) die(`storage '${p.storage}' is not available on node '${target}'`);
      if (!s.shared) die(`can't clone to non-shared storage '${p.storage}'`);
    }
  }
  checkLock(g);
  const full = p.full !== undefined ? /^(1|on|yes|true)$/i.test(p.full) : !g.config.template;
  if (p.storage !== undefined && !full) die("parameter 'storage' not allowed for linked clones");
  if (p.format !== undefined && !full) die("parameter 'format' not allowed for linked clones");
  let shared = true;
  /** @type {{key: string, o: Record<string, string>, file: string, full: boolean, cloudinit: boolean}[]} */
  const todo = [];
  for (const d of drives(g)) {
    if (!d.file || d.file === 'none' || !/:/.test(d.file)) continue;
    const { store, volname } = parseVolid(st, d.file);
    if (!st.storages[store].shared) shared = false;
    if (d.cdrom) continue;
    if (full || d.cloudinit || d.key === 'tpmstate0') {
      if (!hasFeature(st, store, volname, 'copy')) die(`Full clone feature is not supported for '${d.file}' (${d.key})`);
      todo.push({ key: d.key, o: d.o, file: d.file, full: true, cloudinit: d.cloudinit });
    } else {
      if (!hasFeature(st, store, volname, 'clone')) die(`Linked clone feature is not supported for '${d.file}' (${d.key})`);
      todo.push({ key: d.key, o: d.o, file: d.file, full: false, cloudinit: false });
    }
  }
  if (target && !shared) die(`can't clone VM to node '${target}' (VM uses local storage)`);
  const other = st.guests[String(p.newid)];
  if (other && other.type === 'qemu' && other.node === node) die(`unable to create VM ${p.newid}: config file already exists`);
  return { target, full, todo };
}

/**
 * The clone worker: new config with `lock: clone`, disks cloned or copied, MACs/uuid renewed.
 * `ctx.pause` releases the state lock while a full copy runs (`pvesim timing --clone S`).
 * @param {{st: any, pause: (s: number) => void}} ctx @param {string} node @param {any} g @param {Record<string, string>} p
 * @param {ReturnType<typeof cloneCheck>} plan
 */
export function cloneRun(ctx, node, g, p, plan) {
  let st = ctx.st;
  const newid = String(p.newid);
  out(`creating a clone of VM ${g.vmid} with ID ${newid}\n`);
  const other = st.guests[newid];
  // file_set_contents of the temporary config: pmxcfs refuses an id used on another node (EEXIST)
  if (other) die(`clone failed: close (rename) atomic file '/etc/pve/nodes/${node}/qemu-server/${newid}.conf' failed: File exists`);
  /** @type {Record<string, string>} */
  const conf = {};
  for (const [k, v] of Object.entries(g.config)) {
    if (/^unused\d+$/.test(k) || ['snapshots', 'parent', 'snaptime', 'vmstate', 'lock', 'template'].includes(k)) continue;
    if (/^net\d+$/.test(k)) { conf[k] = String(v).replace(/^([a-z0-9-]+)=[0-9A-Fa-f:]{17}/, (_, m) => `${m}=${randomMac()}`); continue; }
    if (DISK_RE.test(k)) { if (/media=cdrom/.test(v) && !/cloudinit/.test(v)) conf[k] = v; continue; }
    conf[k] = v;
  }
  const smb = parsePropString(conf.smbios1 ?? '');
  smb.uuid = crypto.randomUUID();
  conf.smbios1 = Object.entries(smb).map(([k, v]) => `${k}=${v}`).join(',');
  if (conf.vmgenid) conf.vmgenid = crypto.randomUUID();
  conf.name = p.name ?? `Copy-of-VM-${g.config.name ?? g.vmid}`;
  if (p.description) conf.description = p.description;
  st.guests[newid] = { vmid: Number(newid), type: 'qemu', node, status: 'stopped', config: { lock: 'clone' } };
  /** @type {string[]} */
  const made = [];
  try {
    for (const d of plan.todo) {
      const { store, volname } = parseVolid(st, d.file);
      const src = st.volumes[store]?.[volname];
      if (!src) die(`no such volume '${d.file}'`);
      out(`create ${d.full ? 'full' : 'linked'} clone of drive ${d.key} (${d.file})\n`);
      let volid;
      const meta = { agent: src.agent, user: src.user, os: src.os, machineId: src.machineId, node: plan.target ?? node };
      if (!d.full) {
        const s = st.storages[store];
        const fresh = nextDiskName(st, store, newid, 'qcow2').replace(/^\d+\//, '');
        let name;
        if (isPathStorage(s.type)) {
          name = `${volname}/${newid}/${fresh}`;
          err(`clone ${volname}: images, ${fresh}, ${newid} to ${fresh} (base=../${volname})\n`);
        } else if (s.type === 'lvmthin') name = fresh; // LvmThinPlugin: the base is not in the name
        else {
          name = `${volname}/${fresh}`;
          if (s.type === 'rbd') err(`clone ${volname}: ${volname} snapname __base__ to ${fresh}\n`);
        }
        volid = allocVolume(st, store, newid, name, src.size, { ...meta, base: d.file, format: isPathStorage(s.type) ? 'qcow2' : 'raw' });
        made.push(volid);
      } else {
        const tstore = d.cloudinit ? store : (p.storage ?? store);
        const ts = st.storages[tstore];
        const fmt = isPathStorage(ts.type) ? (p.format ?? (src.format === 'qcow2' ? 'qcow2' : 'raw')) : 'raw';
        const name = d.cloudinit ? (isPathStorage(ts.type) ? `${newid}/vm-${newid}-cloudinit.qcow2` : `vm-${newid}-cloudinit`) : nextDiskName(st, tstore, newid, fmt);
        volid = allocVolume(st, tstore, newid, name, src.size, d.cloudinit ? { cloudinit: true, node: meta.node } : meta);
        made.push(volid);
        out(`allocated target volume '${volid}'\n`);
        if (!d.cloudinit) {
          printTransfer(src.size);
          ctx.pause(st.timing.clone ?? 0);
          st = ctx.st;
          if (!st.guests[newid]) die(`clone failed: VM ${newid} vanished`);
        }
      }
      const o = { ...d.o }; delete o.file;
      if (!d.cloudinit && !/media=cdrom/.test(g.config[d.key])) o.size = o.size ?? '';
      if (o.size === '') delete o.size;
      conf[d.key] = printDrive(volid, o);
    }
  } catch (e) {
    for (const v of made) { const { store, volname } = parseVolid(st, v); delete st.volumes[store]?.[volname]; }
    delete st.guests[newid];
    const msg = /** @type {Error} */ (e).message;
    if (/^clone failed: /.test(msg)) throw e;
    die(`clone failed: ${msg.replace(/\n$/, '')}`);
  }
  st.guests[newid] = { vmid: Number(newid), type: 'qemu', node: plan.target ?? node, status: 'stopped', config: conf };
}
