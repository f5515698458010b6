// @ts-check
// Fixture "cloud images": small files starting with a header that the fake qemu-img reads.
import fs from 'node:fs';
import crypto from 'node:crypto';

export const MAGIC = 'PVESIM-IMAGE v1\n';

/**
 * `machine-id` is the image's /etc/machine-id: empty (uninitialized, as vendor cloud images ship)
 * unless given.
 * @param {{name: string, virtualSize: number, format?: string, agent?: number, user?: string, os?: string, machineId?: string}} o
 */
export function makeImage(o) {
  const head = `${MAGIC}name=${o.name}\nformat=${o.format ?? 'qcow2'}\nvirtual-size=${o.virtualSize}\nagent=${o.agent ? 1 : 0}\nuser=${o.user ?? 'ubuntu'}\nos=${o.os ?? 'linux'}\nmachine-id=${o.machineId ?? ''}\n\n`;
  // deterministic filler so that the file has a body to truncate and a stable checksum
  const seed = crypto.createHash('sha256').update(head).digest();
  const body = Buffer.alloc(48 * 1024);
  for (let i = 0; i < body.length; i++) body[i] = seed[i % 32] ^ (i & 255);
  return Buffer.concat([Buffer.from(head), body]);
}

/** Reads the header of a file: fixture image, real qcow2, or raw. Null when missing. @param {string} file */
export function imageInfo(file) {
  let st;
  try { st = fs.statSync(file); } catch { return null; }
  if (!st.isFile()) return null;
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(512);
  const n = fs.readSync(fd, buf, 0, 512, 0);
  fs.closeSync(fd);
  const text = buf.subarray(0, n).toString('latin1');
  if (text.startsWith(MAGIC)) {
    /** @type {Record<string, string>} */
    const h = {};
    for (const line of text.slice(MAGIC.length).split('\n')) { const i = line.indexOf('='); if (i > 0) h[line.slice(0, i)] = line.slice(i + 1); }
    return { format: h.format ?? 'qcow2', virtualSize: Number(h['virtual-size']), agent: h.agent === '1', user: h.user, os: h.os, machineId: h['machine-id'] ?? '', actualSize: st.size };
  }
  if (n >= 32 && buf.readUInt32BE(0) === 0x514649fb) {
    return { format: 'qcow2', virtualSize: Number(buf.readBigUInt64BE(24)), agent: false, user: undefined, os: undefined, machineId: '', actualSize: st.size };
  }
  return { format: 'raw', virtualSize: st.size, agent: false, user: undefined, os: undefined, machineId: '', actualSize: st.size };
}
