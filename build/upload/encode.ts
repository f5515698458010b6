// The payload: the bundle compressed (xz when this machine has the xz program, else gzip),
// then base64. docs/UPLOAD.md says why xz and what decompresses it on the host.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** gzip at level 9; node's zlib writes mtime 0 and no file name, so the output is reproducible. */
function gzip9(data: Buffer): Buffer {
  return gzipSync(data, { level: 9, memLevel: 9 });
}

export type Compress = 'xz' | 'gzip';
/** What the user asks for: a format, or `auto` (xz when the xz program is here, else gzip). */
export type CompressChoice = Compress | 'auto';

/**
 * xz -9e with pb=0 (text has no 4-byte structure) and a CRC32 check, from the xz program:
 * node has no LZMA encoder. Undefined when there is no xz here (ENOENT) or it failed.
 */
function xz9(data: Buffer): Buffer | undefined {
  const r = spawnSync('xz', ['--format=xz', '--check=crc32', '--lzma2=preset=9e,pb=0', '-c', '-q'], {
    input: data,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0 || !r.stdout || r.stdout.length === 0) return undefined;
  return r.stdout;
}

let xzSeen: boolean | undefined;

/** The format `auto` stands for on this machine (looked up once). */
export function resolveCompress(choice: CompressChoice = 'auto'): Compress {
  if (choice !== 'auto') return choice;
  xzSeen ??= xz9(Buffer.from('x')) !== undefined;
  return xzSeen ? 'xz' : 'gzip';
}

/** The compressed bundle; throws when xz was asked for by name and is not here. */
export function compress(script: Buffer, format: Compress): Buffer {
  if (format === 'gzip') return gzip9(script);
  const out = xz9(script);
  if (!out) throw new Error('--compress xz needs the xz program on this machine (apt-get install xz-utils, brew install xz); or use --compress gzip');
  return out;
}

/** The text that travels: base64 of the compressed stream, one line, no padding inside. */
export function payloadBase64(script: Buffer, format: Compress = 'gzip'): string {
  return compress(script, format).toString('base64');
}

// POSIX `cksum` (CRC-32 with polynomial 0x04C11DB7, MSB first, the length appended, inverted):
// what coreutils' cksum prints for stdin as `CRC LENGTH`, so a chunk command checks its own data.
const CKSUM_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** `cksum < file` output for these bytes: `<crc> <length>`. */
export function cksum(data: Buffer | string): string {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  let crc = 0;
  const step = (byte: number): void => {
    crc = ((crc << 8) ^ CKSUM_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  };
  for (const b of buf) step(b);
  for (let n = buf.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return `${(~crc) >>> 0} ${buf.length}`;
}
