// The payload: gzip -9 (deterministic header: no name, mtime 0) then base64.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** gzip at level 9; node's zlib writes mtime 0 and no file name, so the output is reproducible. */
export function gzip9(data: Buffer): Buffer {
  return gzipSync(data, { level: 9, memLevel: 9 });
}

/** The text that travels: base64 of the gzip stream, one line, no padding inside. */
export function payloadBase64(script: Buffer): string {
  return gzip9(script).toString('base64');
}
