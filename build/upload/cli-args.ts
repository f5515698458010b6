// Option parsing shared by `linus upload` and `linus run-command`.
import { readFileSync } from 'node:fs';

export const DEFAULT_SCRIPT = 'dist/linus-provision-proxmox.sh';

/** `--max-chars N|none` (also 0 or a negative number = none, as ssh-mcp reads it). */
export function parseMaxChars(v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  if (s === 'none' || s === 'unlimited') return undefined;
  if (!/^-?[0-9]+$/.test(s)) throw new Error(`--max-chars must be a number or 'none', got '${s}'`);
  const n = Number(s);
  return n <= 0 ? undefined : n;
}

/** A file the user named, read whole; a missing file is a one-line user error. */
export function readUserFile(path: string, what: string, hint: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`cannot read ${what} ${path} (${code})${hint ? `: ${hint}` : ''}`);
  }
}

/** The sha256 from a `sha256sum` line (`<hex>  <name>`). */
export function sha256FromFile(path: string): string {
  const text = readUserFile(path, 'the checksum file', 'run npm run build, or pass --sha256').toString('utf8');
  const m = /^([0-9a-fA-F]{64})\b/.exec(text.trim());
  if (!m) throw new Error(`${path} does not start with a sha256 (64 hex digits)`);
  return m[1].toLowerCase();
}
