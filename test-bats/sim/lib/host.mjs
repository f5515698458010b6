// @ts-check
// Building a fresh simulated host, and the storage model (types, content, space, volume names).
import fs from 'node:fs';
import path from 'node:path';
import { simDir } from './state.mjs';
import { die, formatSize } from './util.mjs';

const GiB = 1024 ** 3;
export const STORAGE_TYPES = ['dir', 'nfs', 'cifs', 'btrfs', 'lvmthin', 'lvm', 'zfspool', 'rbd'];
/** path-based storages keep `VMID/vm-VMID-disk-N.FMT` volumes and real directories */
export const isPathStorage = (/** @type {string} */ t) => ['dir', 'nfs', 'cifs', 'btrfs'].includes(t);

/** @param {{version?: string, nodes?: number, offlineNode?: string, nodeName?: string, cpus?: number, memGiB?: number}} o */
export function newHost(o) {
  const first = o.nodeName ?? 'pve';
  const names = o.nodes === 3 ? [first, `${first}2`, `${first}3`] : [first];
  const nodes = names.map((name, i) => ({
    name, online: name !== o.offlineNode ? 1 : 0, cpus: o.cpus ?? 8, memGiB: o.memGiB ?? 32,
    ip: `192.168.100.${11 + i}`, nodeid: i + 1,
  }));
  const st = {
    version: o.version ?? '8.3', localNode: first, clusterName: names.length > 1 ? 'simcluster' : null, nodes,
    storages: {}, bridges: [{ name: 'vmbr0', vlanAware: 0, nodes: null, ports: 'eno1', cidr: '10.233.0.1/16' }],
    guests: {}, volumes: {}, images: {}, faults: [], downloads: [], latency: 0, imageAgent: 0, startError: '',
    timing: { boot: 0.2, dhcp: 0.3, agent: 0.3, ssh: 0.3, cloudinit: 0.2, upgrade: 0.3, create: 0, import: 0, clone: 0 },
    nextIp: 10, seq: 0, clockOffsetMs: 0, nextIdLower: 100, nextIdUpper: 1000000,
  };
  addStorage(st, 'local', { type: 'dir', content: 'iso,vztmpl,backup,snippets,import', totalGiB: 100, freeGiB: 80 });
  addStorage(st, 'local-lvm', { type: 'lvmthin', content: 'images,rootdir', totalGiB: 200, freeGiB: 180 });
  return st;
}

/** @param {any} st @param {string} name @param {{type: string, content?: string, totalGiB?: number, freeGiB?: number, shared?: number, nodes?: string, enabled?: number}} o */
export function addStorage(st, name, o) {
  if (!STORAGE_TYPES.includes(o.type)) die(`unknown storage type '${o.type}' (one of ${STORAGE_TYPES.join(', ')})`, 2);
  const defContent = isPathStorage(o.type) ? 'images,iso,vztmpl,backup,snippets' : 'images,rootdir';
  const total = Math.round((o.totalGiB ?? 100) * GiB);
  const free = Math.round((o.freeGiB ?? (o.totalGiB ?? 100) * 0.9) * GiB);
  st.storages[name] = {
    type: o.type, content: (o.content ?? defContent).split(',').filter(Boolean), total, baseUsed: total - free,
    shared: o.shared ?? (['nfs', 'cifs', 'rbd'].includes(o.type) ? 1 : 0), nodes: o.nodes ? o.nodes.split(',') : null,
    enabled: o.enabled ?? 1,
  };
  st.volumes[name] ??= {};
  if (isPathStorage(o.type)) {
    for (const d of ['images', 'snippets', 'template/iso', 'template/cache', 'import', 'dump']) {
      fs.mkdirSync(path.join(storageDir(name), d), { recursive: true });
    }
  }
}

export const storageDir = (/** @param {string} name */ name) => path.join(simDir(), 'storage', name);

/**
 * A local path as seen on `node`. Each node has its own filesystem: the local node's is the real
 * one; another node's lives under $PVESIM_DIR/nodes/NODE/ (`storage/NAME/...` for a non-shared
 * path storage, `root/<abs path>` for anything else). Shared storages are the same everywhere.
 * @param {any} st @param {string|undefined} node @param {string} p
 */
export function onNode(st, node, p) {
  if (!node || node === st.localNode) return p;
  const root = path.join(simDir(), 'storage') + '/';
  if (p.startsWith(root)) {
    const name = p.slice(root.length).split('/')[0];
    if (st.storages[name]?.shared) return p;
    return path.join(simDir(), 'nodes', node, 'storage', p.slice(root.length));
  }
  return path.join(simDir(), 'nodes', node, 'root', p);
}

/** @param {any} st @param {string} name */
export function storageUsed(st, name) {
  const s = st.storages[name];
  return s.baseUsed + Object.values(st.volumes[name] ?? {}).reduce((a, v) => a + (v.base ? 0 : v.size), 0);
}

/** Storage config usable from `node` (exists, enabled there)? @param {any} st @param {string} name @param {string} node */
export function storageOn(st, name, node) {
  const s = st.storages[name];
  if (!s || !s.enabled) return null;
  if (s.nodes && !s.nodes.includes(node)) return null;
  return s;
}

/** Next free volume name for a VM disk (Plugin.pm get_next_vm_diskname). @param {any} st */
export function nextDiskName(st, store, vmid, fmt = 'raw') {
  const s = st.storages[store];
  const used = Object.keys(st.volumes[store] ?? {});
  for (let n = 0; ; n++) {
    const base = `vm-${vmid}-disk-${n}`;
    const taken = new RegExp(`(^|/)(vm|base)-${vmid}-disk-${n}(\\.(raw|qcow2|vmdk))?$`); // get_next_vm_diskname: vm- and base- names
    if (used.some((v) => taken.test(v))) continue;
    return isPathStorage(s.type) ? `${vmid}/${base}.${fmt}` : base;
  }
}

/** Allocates a volume, with the error texts of the storage tools. Returns the volid. */
export function allocVolume(st, store, vmid, volname, size, meta = {}) {
  const s = st.storages[store];
  if ((st.volumes[store] ??= {})[volname]) {
    if (isPathStorage(s.type)) die(`disk image '${storageDir(store)}/images/${volname}' already exists`);
    if (s.type === 'zfspool') die(`zfs error: cannot create 'rpool/data/${volname}': dataset already exists`);
    die(`lvcreate 'pve/${volname}' error:   Logical Volume "${volname}" already exists in volume group "pve"`);
  }
  const avail = s.total - storageUsed(st, store);
  if (size > avail) {
    if (s.type === 'lvm') die(`lvcreate 'pve/${volname}' error:   Volume group "pve" has insufficient free space (${Math.floor(avail / 4194304)} extents): ${Math.ceil(size / 4194304)} required.`);
    if (s.type === 'zfspool') die(`zfs error: cannot create 'rpool/data/${volname}': out of space`);
    if (s.type === 'lvmthin') die(`lvcreate 'pve/${volname}' error:   Insufficient free space in thin pool pve/data`);
    die(`unable to create image: qemu-img: ${storageDir(store)}/images/${volname}: Could not write: No space left on device`);
  }
  st.volumes[store][volname] = { size, vmid: Number(vmid), format: volname.endsWith('.qcow2') ? 'qcow2' : 'raw', ...meta };
  return `${store}:${volname}`;
}

/** Splits a volid `store:volname` (throws the pvesm error for a bad one). @param {any} st @param {string} volid */
export function parseVolid(st, volid) {
  const m = /^([a-zA-Z][\w.-]*):(.+)$/.exec(volid);
  if (!m) die(`unable to parse volume ID '${volid}'`);
  const [, store, volname] = /** @type {string[]} */ (m);
  if (!st.storages[store]) die(`storage '${store}' does not exist`);
  return { store, volname };
}

/** Filesystem path of a volume (`pvesm path`). */
export function volumePath(st, volid) {
  const { store, volname } = parseVolid(st, volid);
  const s = st.storages[store];
  const m = /^(iso|vztmpl|snippets|import|backup)\/(.+)$/.exec(volname);
  if (m) {
    if (!isPathStorage(s.type)) die(`storage '${store}' does not support content type '${m[1]}'`);
    const sub = { iso: 'template/iso', vztmpl: 'template/cache', snippets: 'snippets', import: 'import', backup: 'dump' }[m[1]];
    return path.join(storageDir(store), /** @type {string} */ (sub), m[2]);
  }
  if (isPathStorage(s.type)) return path.join(storageDir(store), 'images', volname);
  if (s.type === 'zfspool') return `/dev/zvol/rpool/data/${volname}`;
  if (s.type === 'rbd') return `rbd:${store}/${volname}:conf=/etc/pve/ceph.conf`;
  return `/dev/pve/${volname}`;
}

export { formatSize, GiB };
