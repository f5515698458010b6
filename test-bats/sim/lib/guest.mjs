// @ts-check
// VM lifecycle operations shared by qm and pvesh: create, update, destroy, resize, importdisk.
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { SimExit, die, out, err, parsePropString, formatSize, parseSize, versionAtLeast } from './util.mjs';
import { createDisks, importSource, printTransfer } from './disks.mjs';
import { allocVolume, nextDiskName, storageOn, parseVolid, storageUsed, isPathStorage } from './host.mjs';
import { DISK_RE, checkLock, randomMac, startVm } from './vm.mjs';
import { isBaseVol, linkedClonesOf } from './clone.mjs';

/** get_unique_tags: lower-case, sorted, unique, `;`-joined. */
export const normTags = (/** @type {string} */ t) => [...new Set(t.split(/[;, ]/).filter(Boolean).map((x) => x.toLowerCase()))].sort().join(';');

/** Cluster-wide check_vmid_unused. @param {any} st */
export function checkVmidUnused(st, vmid) {
  const g = st.guests[String(vmid)];
  if (g) die(`unable to create VM ${vmid} - ${g.type === 'lxc' ? 'CT' : 'VM'} ${vmid} already exists on node '${g.node}'`);
}

/** Normalises plain option values as PVE stores them (MACs, tags). */
function normalise(g, params) {
  for (const [k, v] of Object.entries(params)) {
    if (/^net\d+$/.test(k)) {
      const o = parsePropString(v, 'model');
      const models = ['e1000', 'e1000-82540em', 'e1000-82544gc', 'e1000-82545em', 'e1000e', 'i82551', 'i82557b', 'i82559er', 'ne2k_isa', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio', 'vmxnet3'];
      let model = o.model; let mac = o.macaddr;
      for (const m of models) if (o[m] !== undefined) { model = m; mac = o[m] || mac; delete o[m]; }
      delete o.model; delete o.macaddr;
      const old = g.config[k] ? /=([0-9A-F:]{17})/i.exec(g.config[k])?.[1] : undefined;
      mac = (mac || old || randomMac()).toUpperCase();
      params[k] = [`${model}=${mac}`, ...Object.keys(o).sort().map((x) => `${x}=${o[x]}`)].join(',');
    }
    if (k === 'tags') params[k] = normTags(v);
  }
}

/**
 * create_vm. `ctx.pause(s)` releases the state lock for s seconds (lock: create is visible).
 * @param {{st: any, pause: (s: number) => void}} ctx
 * @returns {boolean} whether the start (if asked) failed
 */
export function createVm(ctx, node, vmid, params) {
  checkVmidUnused(ctx.st, vmid);
  const start = /^(1|on|yes|true)$/i.test(params.start ?? '0');
  const p = { ...params };
  for (const k of ['start', 'vmid', 'node', 'force', 'unique', 'storage', 'live-restore', 'archive', 'pool', 'bwlimit']) delete p[k];
  ctx.st.guests[String(vmid)] = { vmid: Number(vmid), type: 'qemu', node, status: 'stopped', config: { lock: 'create' } };
  ctx.pause(ctx.st.timing.create);
  let g = ctx.st.guests[String(vmid)];
  try {
    normalise(g, p);
    createDisks(ctx.st, g, p);
    if (Object.keys(p).some((k) => /import-from/.test(String(p[k])))) ctx.pause(ctx.st.timing.import);
    g = ctx.st.guests[String(vmid)];
  } catch (e) {
    delete ctx.st.guests[String(vmid)];
    throw e;
  }
  if (/** @type {any} */ (ctx).kill) {
    // `pvesim fault ... --kill`: SIGKILL/OOM inside create_disks (qemu-server API2/Qemu.pm
    // create_vm): no cleanup runs, so the config create_and_lock_config wrote stays as it was
    // (`lock: create` only) and the volumes already allocated stay, referenced by nothing.
    g.config = { lock: 'create' };
    throw Object.assign(new SimExit(137, ''), { killed: true });
  }
  const uuid = crypto.randomUUID();
  g.config = { ...p, vmgenid: crypto.randomUUID(), smbios1: `uuid=${uuid}`, meta: `creation-qemu=9.0.2,ctime=${Math.floor(Date.now() / 1000)}` };
  if (!start) return false;
  try { startVm(ctx.st, g); } catch (e) {
    err(`${/** @type {Error} */ (e).message}\nTask finished with 1 warning(s)!\n`);
    return true;
  }
  return false;
}

/** Perl crypt SHA-512 ($6$), as PVE::Tools::encrypt_pw. */
function encryptPw(pw) {
  const salt = crypto.randomBytes(6).toString('base64').replace(/[^a-zA-Z0-9]/g, 'x');
  const r = spawnSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', pw, `$6$${salt}$`], { encoding: 'utf8' });
  return r.stdout || `$6$${salt}$${crypto.createHash('sha512').update(pw).digest('base64')}`;
}

/** update_vm (qm set / PUT config). @param {any} st @param {any} g */
export function updateVm(st, g, params, { print = true } = {}) {
  checkLock(g, /^(1|on|yes|true)$/i.test(params.skiplock ?? '0'));
  const p = { ...params };
  for (const k of ['skiplock', 'node', 'vmid', 'digest', 'background_delay', 'force']) delete p[k];
  if (print) {
    const shown = Object.keys(p).map((k) => `-${k} ${k === 'cipassword' ? '<hidden>' : p[k]}`).join(' ');
    out(`update VM ${g.vmid}: ${shown}\n`);
  }
  const del = (p.delete ?? '').split(/[,; ]/).filter(Boolean); delete p.delete; delete p.revert;
  if (p.cipassword !== undefined && !/^\$(?:[156]|2[ay])(\$.+){2}/.test(p.cipassword) && !/^win/.test(g.config.ostype ?? '')) p.cipassword = encryptPw(p.cipassword);
  normalise(g, p);
  createDisks(st, g, p);
  for (const k of del) {
    const v = g.config[k];
    delete g.config[k];
    if (v && DISK_RE.test(k) && !/media=cdrom/.test(v) && !k.startsWith('unused')) {
      const m = /^([^:,]+:[^,]+)/.exec(v);
      if (m && !/cloudinit/.test(m[1])) g.config[freeUnused(g)] = m[1];
    }
  }
  Object.assign(g.config, p);
}

function freeUnused(g) { let n = 0; while (g.config[`unused${n}`]) n++; return `unused${n}`; }

/** Volumes a config references. */
export function configVolumes(g) {
  return Object.entries(g.config).filter(([k]) => DISK_RE.test(k)).map(([, v]) => /^([a-zA-Z][\w.-]*:[^,]+)/.exec(String(v))?.[1]).filter((x) => x && !/^(none|cdrom)$/.test(x));
}

/** destroy_vm. @param {any} st @param {any} g */
export function destroyVm(st, g, { purge = false, unreferenced = false, skiplock = false } = {}) {
  checkLock(g, skiplock);
  if (g.status === 'running') die(`VM ${g.vmid} is running - destroy failed`);
  if (g.config.template) {
    // QemuServer.pm destroy_vm: volume_is_base_and_used. LVM-thin clone names do not record their
    // base (LvmThinPlugin.pm NOTE), so there the template goes and its clones keep working.
    for (const v of /** @type {string[]} */ (configVolumes(g))) {
      const { store, volname } = parseVolid(st, v);
      if (!isBaseVol(volname) || st.storages[store].type === 'lvmthin') continue;
      if (linkedClonesOf(st, store, volname).length) die(`base volume '${v}' is still in use by linked cloned`);
    }
  }
  const vols = new Set(/** @type {string[]} */ (configVolumes(g)));
  if (unreferenced) {
    for (const [store, vs] of Object.entries(st.volumes)) for (const name of Object.keys(/** @type {any} */ (vs))) if (new RegExp(`(^|/)vm-${g.vmid}-`).test(name)) vols.add(`${store}:${name}`);
  }
  for (const v of vols) {
    const { store, volname } = parseVolid(st, v);
    if (!st.volumes[store]?.[volname] || st.volumes[store][volname].vmid !== Number(g.vmid)) continue; // only disks it owns
    delete st.volumes[store][volname];
    if (['lvm', 'lvmthin'].includes(st.storages[store].type)) out(`  Logical volume "${volname}" successfully removed.\n`);
  }
  if (purge) out(`purging VM ${g.vmid} from related configurations..\n`);
  delete st.guests[String(g.vmid)];
}

/** resize_vm; returns the exit code (PVE >= 8: 0 even on failure, the error is on stderr). @param {any} st @param {any} g */
export function resizeVm(st, g, disk, size, { skiplock = false } = {}) {
  const fail = (/** @type {string} */ msg) => { err(`${msg}\n`); return versionAtLeast(st.version, '8.0') ? 0 : 255; };
  try { checkLock(g, skiplock); } catch (e) { return fail(/** @type {Error} */ (e).message); }
  const v = g.config[disk];
  if (!v || !DISK_RE.test(disk)) return fail(`disk '${disk}' does not exist`);
  if (/media=cdrom/.test(v)) return fail("you can't resize a cdrom");
  const m = /^(\+)?(\d+(?:\.\d+)?[KMGT]?)$/.exec(size);
  if (!m) return fail(`invalid size '${size}'`); // schema pattern caught earlier for qm
  const { store, volname } = parseVolid(st, /^([^,]+)/.exec(v)?.[1] ?? '');
  const vol = st.volumes[store]?.[volname];
  const cur = vol?.size ?? parseSize(/size=([^,]+)/.exec(v)?.[1] ?? '0', 'B');
  const want = m[1] ? cur + parseSize(m[2], 'B') : parseSize(m[2], 'B');
  if (want < cur) return fail('shrinking disks is not supported');
  if (want === cur) return 0;
  const s = st.storages[store];
  if (['lvm', 'zfspool'].includes(s.type) && want - cur > s.total - storageUsed(st, store)) return fail(`lvextend 'pve/${volname}' error:   Insufficient free space`);
  if (vol) vol.size = want;
  const o = parsePropString(v, 'file');
  o.size = formatSize(want);
  const file = o.file; delete o.file;
  g.config[disk] = [file, ...Object.keys(o).sort().map((k) => `${k}=${o[k]}`)].join(',');
  if (['lvm', 'lvmthin'].includes(s.type)) out(`  Size of logical volume pve/${volname} changed from ${(cur / 1024 ** 3).toFixed(2)} GiB (${Math.ceil(cur / 4194304)} extents) to ${(want / 1024 ** 3).toFixed(2)} GiB (${Math.ceil(want / 4194304)} extents).\n  Logical volume pve/${volname} successfully resized.\n`);
  return 0;
}

/** qm importdisk / qm disk import. @param {any} st @param {any} g */
export function importDisk(st, g, source, store, { format = '', targetDisk = '' } = {}) {
  checkLock(g);
  const src = importSource(st, source, g.node);
  const s = storageOn(st, store, g.node);
  if (!st.storages[store]) die(`storage '${store}' does not exist`);
  if (!s || !s.content.includes('images')) die(`storage ${store} does not support vm images`);
  if (targetDisk && g.config[targetDisk]) die(`drive '${targetDisk}' is already attached`);
  out(`importing disk '${source}' to VM ${g.vmid} ...\n`);
  const fmt = isPathStorage(s.type) ? (format || 'raw') : 'raw';
  const vol = allocVolume(st, store, g.vmid, nextDiskName(st, store, g.vmid, fmt), src.virtualSize, { agent: src.agent, user: src.user, os: src.os, machineId: src.machineId, node: g.node });
  printTransfer(src.virtualSize);
  const key = targetDisk || freeUnused(g);
  g.config[key] = targetDisk ? `${vol},size=${formatSize(src.virtualSize)}` : vol;
  if (versionAtLeast(st.version, '8.3')) out(`${key}: successfully imported disk '${g.config[key]}'\n`);
  else out(`Successfully imported disk as '${key}:${vol}'\n`);
}

/** `qm config` lines: sorted, no digest, cipassword masked. @param {any} g */
export function configLines(g) {
  return Object.keys(g.config).sort().filter((k) => k !== 'digest').map((k) => `${k}: ${k === 'cipassword' ? '**********' : g.config[k]}\n`).join('');
}

export { allocVolume };
