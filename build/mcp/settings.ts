// The small settings file `linus mcp-config` leaves for the other commands of this machine:
// which key the user logs in with (provision-cmd adds its .pub to the VM) and the `wait
// --timeout` that fits the client's tool timeout (provision-cmd, agent-instructions).
// ~/.config/linus-provision/settings.json; nothing secret is in it (a path and numbers).
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface LinusSettings {
  /** Absolute path of the private key given to `mcp-config --key`; its .pub is the user's key. */
  key?: string;
  /** Seconds for `wait JOB --timeout S`: below the client's and the server's timeout. */
  waitSeconds?: number;
  /** The MCP client the configuration was written for. */
  client?: string;
  /** The server's name in the client (its tools show up under it). */
  server?: string;
  /** The ssh-mcp major version (1: exec tool `exec`, no file tools; 2: `run-command`). */
  sshMcp?: 1 | 2;
  /** The exec tool's command length limit; undefined = none. */
  maxChars?: number;
  /** ssh-mcp 2 with a transfer root: the local file sftp-upload-file sends. */
  sftpLocalPath?: string;
}

export function settingsPath(): string {
  return join(homedir(), '.config', 'linus-provision', 'settings.json');
}

/** The saved settings; a missing or unreadable file is no settings (never an error). */
export function readSettings(path = settingsPath()): LinusSettings {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof v !== 'object' || v === null) return {};
    const o = v as Record<string, unknown>;
    const s: LinusSettings = {};
    if (typeof o.key === 'string') s.key = o.key;
    if (typeof o.waitSeconds === 'number' && Number.isInteger(o.waitSeconds) && o.waitSeconds >= 0) s.waitSeconds = o.waitSeconds;
    if (typeof o.client === 'string') s.client = o.client;
    if (typeof o.server === 'string') s.server = o.server;
    if (o.sshMcp === 1 || o.sshMcp === 2) s.sshMcp = o.sshMcp;
    if (typeof o.maxChars === 'number' && o.maxChars > 0) s.maxChars = o.maxChars;
    if (typeof o.sftpLocalPath === 'string') s.sftpLocalPath = o.sftpLocalPath;
    return s;
  } catch {
    return {};
  }
}

/** Writes the settings (temp file + rename, mode 600; the directory is created mode 700). */
export function writeSettings(s: LinusSettings, path = settingsPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
