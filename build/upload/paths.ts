// The remote path: its default and the checks every command that names it relies on.
import { hasLineBreakOrControl } from './quote.js';

export const DEFAULT_REMOTE_PATH = '/tmp/linus-provision-proxmox.sh';

/** Refuses a remote path the commands cannot carry or install safely; returns it unchanged. */
export function checkRemotePath(p: string): string {
  if (!p.startsWith('/')) throw new Error(`--remote-path must be absolute, got '${p}'`);
  if (hasLineBreakOrControl(p)) throw new Error('--remote-path must not hold line breaks or control characters');
  if (p.endsWith('/')) throw new Error(`--remote-path names a directory, not a file: '${p}'`);
  return p;
}
