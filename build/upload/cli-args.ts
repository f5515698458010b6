// Option parsing shared by `linus upload` and `linus run-command`.
import { readFileSync } from 'node:fs';

export const DEFAULT_SCRIPT = 'dist/linus-provision-proxmox.sh';

/** A whole number >= 1 given on the command line; anything else is a one-line user error. */
export function parsePositive(v: string | number, flag: string): number {
  const s = String(v).trim();
  if (!/^[0-9]+$/.test(s) || Number(s) < 1 || !Number.isSafeInteger(Number(s))) {
    throw new Error(`${flag} must be a whole number of at least 1, got '${s}'`);
  }
  return Number(s);
}

/** `--max-chars N|none`: N a whole number >= 1; 0, negative numbers and words are errors. */
export function parseMaxChars(v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  if (s === 'none' || s === 'unlimited') return undefined;
  if (!/^[0-9]+$/.test(s) || Number(s) < 1) throw new Error(`--max-chars must be a whole number of at least 1 or 'none', got '${s}'`);
  return Number(s);
}

/**
 * Writes to stdout; a reader that closed the pipe early (`linus upload | head -3`) ends the
 * program quietly with exit 0 instead of an EPIPE stack trace.
 */
let epipeHandled = false;

export function writeStdout(text: string): void {
  if (!epipeHandled) {
    epipeHandled = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      process.stderr.write(`linus: cannot write the output (${err.code ?? err.message})\n`);
      process.exit(1);
    });
  }
  process.stdout.write(text);
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
