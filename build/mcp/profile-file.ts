// Writes the ssh-mcp 2 profile file the way ssh-mcp insists on: mode 600 in a directory of
// mode 700 owned by this user. Refuses (a one-line Error) rather than loosening or
// overwriting something it did not write.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync, chmodSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

type WriteOutcome = 'written' | 'unchanged';

function isMissing(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Creates the directory (0700) when missing; an existing one must already be 0700 and ours. */
function ensurePrivateDir(dir: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    if (!isMissing(err)) throw err;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // the umask may have taken bits away, never added: make it exact
    return;
  }
  if (!st.isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  const mode = st.mode & 0o777;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new Error(`${dir} belongs to another user; choose a directory of your own`);
  }
  if (mode & 0o077) {
    throw new Error(`${dir} is mode ${mode.toString(8)} and ssh-mcp needs 700: run chmod 700 ${dir}, or choose another --profile-dir`);
  }
}

/**
 * Writes `text` to `path` with mode 600 (atomically: temp file + rename). An existing file
 * with other content is replaced only with `force`.
 */
export function writeProfileFile(path: string, text: string, force: boolean): WriteOutcome {
  ensurePrivateDir(dirname(path));
  let old: string | undefined;
  try {
    old = readFileSync(path, 'utf8');
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  if (old === text) {
    chmodSync(path, 0o600);
    return 'unchanged';
  }
  if (old !== undefined && !force) {
    throw new Error(`${path} exists with other content; pass --force to replace it`);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return 'written';
}

/**
 * ssh-mcp's file tools need the transfer root to be a directory of this user with mode 700.
 * With `apply` a looser mode is tightened (the directory holds build output only); without it
 * the fix is returned as a note. Another user's directory is an Error.
 */
export function prepareTransferRoot(root: string, apply: boolean): string | undefined {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new Error(`the transfer root ${root} does not exist: run npm run build, or pass --transfer-root DIR`);
  }
  if (!st.isDirectory()) throw new Error(`the transfer root ${root} is not a directory`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new Error(`the transfer root ${root} belongs to another user; ssh-mcp needs one of yours: pass --transfer-root DIR`);
  }
  const mode = st.mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  if (!apply) return `sftp-upload-file needs the transfer root mode 700: chmod 700 ${root}`;
  chmodSync(root, mode & 0o700);
  return `made the transfer root ${root} mode ${(mode & 0o700).toString(8)} (ssh-mcp's file tools need that)`;
}
