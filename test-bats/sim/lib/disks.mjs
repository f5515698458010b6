// @ts-check
// Disk options of create/set (Qemu.pm create_disks): new volumes, import-from, cloud-init drive.
import { die, out, parsePropString, formatSize, renderBytes } from './util.mjs';
import { allocVolume, nextDiskName, storageOn, isPathStorage, parseVolid, volumePath, onNode } from './host.mjs';
import { imageInfo } from './images.mjs';
import { formatErrors } from './schema.mjs';
import { DISK_RE } from './vm.mjs';

/** print_drive: the volume first, then the other keys sorted. @param {string} file @param {Record<string, string>} o */
export function printDrive(file, o) {
  return [file, ...Object.keys(o).sort().map((k) => `${k}=${o[k]}`)].join(',');
}

/** @param {any} st @param {string} store @param {string} node */
function imageStore(st, store, node) {
  const s = storageOn(st, store, node);
  if (!st.storages[store]) die(`storage '${store}' does not exist`);
  if (!s) die(`storage '${store}' is not available on node '${node}'`);
  if (!s.content.includes('images')) die(`storage ${store} does not support vm images`);
  return s;
}

/** Progress lines of QemuImage convert. */
export function printTransfer(size) {
  for (const p of [0, 1, 50, 100]) out(`transferred ${renderBytes(size * p / 100)} of ${renderBytes(size)} (${p.toFixed(2)}%)\n`);
}

/** Resolves an import source (absolute path or volid) on `node` to its image info. */
export function importSource(st, source, node = st.localNode) {
  const shown = source.startsWith('/') ? source : volumePath(st, source);
  const info = imageInfo(onNode(st, node, shown));
  if (!info) die(`${shown}: non-existent or non-regular file`);
  return /** @type {NonNullable<ReturnType<typeof imageInfo>>} */ (info);
}

/**
 * Creates the volumes that disk options ask for and rewrites those options to the real drive
 * strings, printing `KEY: successfully created disk '...'`. Frees what it made on failure.
 * @param {any} st @param {any} g @param {Record<string, string>} params
 */
export function createDisks(st, g, params) {
  /** @type {string[]} */
  const made = [];
  try {
    for (const key of Object.keys(params).filter((k) => DISK_RE.test(k) && !k.startsWith('unused')).sort()) {
      const o = parsePropString(params[key], 'file');
      const file = o.file; delete o.file;
      const m = /^([a-zA-Z][\w.-]*):(\d+(?:\.\d+)?|cloudinit)$/.exec(file);
      if (o['import-from'] !== undefined) {
        if (!m || m[2] !== '0') die(formatErrors({ [key]: "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>" }, ''));
        const src = importSource(st, o['import-from'], g.node); delete o['import-from'];
        const s = imageStore(st, m[1], g.node);
        const fmt = isPathStorage(s.type) ? (o.format ?? 'raw') : 'raw'; delete o.format;
        const vol = allocVolume(st, m[1], g.vmid, nextDiskName(st, m[1], g.vmid, fmt), src.virtualSize, { agent: src.agent, user: src.user, os: src.os, machineId: src.machineId, node: g.node });
        made.push(vol);
        printTransfer(src.virtualSize);
        params[key] = printDrive(vol, { ...o, size: formatSize(src.virtualSize) });
      } else if (m && m[2] === 'cloudinit') {
        const s = imageStore(st, m[1], g.node);
        const name = isPathStorage(s.type) ? `${g.vmid}/vm-${g.vmid}-cloudinit.qcow2` : `vm-${g.vmid}-cloudinit`;
        made.push(allocVolume(st, m[1], g.vmid, name, 4 * 1024 * 1024, { cloudinit: true, node: g.node }));
        params[key] = printDrive(`${m[1]}:${name}`, { ...o, media: 'cdrom' });
      } else if (m) {
        const s = imageStore(st, m[1], g.node);
        const size = key.startsWith('efidisk') ? 540672 : key.startsWith('tpmstate') ? 4 * 1024 * 1024 : Math.round(Number(m[2]) * 1024 ** 3);
        const fmt = isPathStorage(s.type) ? (o.format ?? 'raw') : 'raw'; delete o.format;
        const vol = allocVolume(st, m[1], g.vmid, nextDiskName(st, m[1], g.vmid, fmt), size, { node: g.node });
        made.push(vol);
        params[key] = printDrive(vol, { ...o, size: formatSize(size) });
      } else {
        continue; // an existing volume, a path, none or cdrom: used as given
      }
      out(`${key}: successfully created disk '${params[key]}'\n`);
    }
  } catch (e) {
    for (const v of made) { const { store, volname } = parseVolid(st, v); delete st.volumes[store][volname]; }
    throw e;
  }
}
