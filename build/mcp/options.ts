// Checks the raw `linus mcp-config` options and turns them into McpConfigOptions.
// Every problem is an Error with a one-line message (the CLI prints it and exits 1).
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CLIENTS, GROUPS, type ClientKind, type HostGroup, type McpConfigOptions } from './config.js';
import { checkMaxChars } from './max-chars.js';
import { findBundle } from './option-check.js';

export interface RawMcpConfigArgs {
  client?: string;
  host?: string;
  user?: string;
  key?: string;
  port?: string | number;
  timeoutMs?: string | number;
  maxChars?: string | number;
  sshMcp?: string | number;
  passwordEnv?: boolean;
  name?: string;
  profileDir?: string;
  group?: string;
  transferRoot?: string;
}

export const DEFAULT_SERVER_NAME = 'linus-pve';
const DEFAULT_TIMEOUT_MS = 120_000;

/** Where the ssh-mcp 2 profile lives unless --profile-dir says otherwise. */
export function defaultProfileDir(): string {
  return join(homedir(), '.config', 'linus-provision', 'ssh-mcp');
}

function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

/** A user's path: ~ expanded, relative to the current directory. */
export function absPath(p: string): string {
  const e = expandHome(p);
  return isAbsolute(e) ? e : resolve(e);
}

function intIn(name: string, raw: string | number, min: number, max: number): number {
  const s = String(raw).trim();
  if (!/^[0-9]+$/.test(s)) throw new Error(`--${name} must be a whole number, got '${s}'`);
  const n = Number(s);
  if (n < min || n > max) throw new Error(`--${name} must be ${min} .. ${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T {
  if (raw === undefined || !(allowed as readonly string[]).includes(raw)) {
    throw new Error(`--${name} must be one of: ${allowed.join(', ')}${raw === undefined ? '' : ` (got '${raw}')`}`);
  }
  return raw as T;
}

// A host name, an IPv4 or an IPv6 address; no spaces, quotes or '=' (they would change
// the meaning of ssh-mcp 1's --host=... argument).
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%A-Za-z]*)$/;
const USER_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const NAME_RE = /^[A-Za-z0-9_-]{1,40}$/;

export function checkMcpConfigArgs(a: RawMcpConfigArgs): McpConfigOptions {
  const client: ClientKind = oneOf('client', a.client, CLIENTS);
  const host = (a.host ?? '').trim();
  if (!HOST_RE.test(host) || host.length > 253) throw new Error(`--host must be a host name or an IP address, got '${host}'`);
  const user = (a.user ?? '').trim();
  if (!USER_RE.test(user)) throw new Error(`--user must be a Linux user name, got '${user}'`);
  const sshMcpRaw = String(a.sshMcp ?? '2');
  if (sshMcpRaw !== '1' && sshMcpRaw !== '2') throw new Error(`--ssh-mcp must be 1 or 2, got '${sshMcpRaw}'`);
  const sshMcp = sshMcpRaw === '1' ? 1 : 2;
  const port = intIn('port', a.port ?? 22, 1, 65535);
  const timeoutMs = intIn('timeout-ms', a.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1000, 86_400_000);
  // ssh-mcp itself reads 0 as "no limit"; here that is spelled 'none' (0 is refused).
  const maxChars = checkMaxChars(a.maxChars ?? 'none') ?? 'none';
  const serverName = a.name ?? DEFAULT_SERVER_NAME;
  if (!NAME_RE.test(serverName)) throw new Error(`--name must be letters, digits, '-' or '_' (at most 40), got '${serverName}'`);
  const group: HostGroup = oneOf('group', a.group ?? 'prod', GROUPS);
  const passwordEnv = a.passwordEnv === true;

  let key: string | undefined;
  if (passwordEnv) {
    if (a.key !== undefined) throw new Error('give either --key or --password-env, not both');
    if (sshMcp === 1) throw new Error('ssh-mcp 1 takes a password only on its command line, where ps shows it: use --key, or --ssh-mcp 2');
    if (client === 'claude-desktop') throw new Error('claude-desktop cannot pass a password from the environment (it would be stored in its config file): use --key');
  } else {
    if (a.key === undefined || a.key.trim() === '') throw new Error('--key PATH is required (the private key file), or --password-env with --ssh-mcp 2');
    key = absPath(a.key.trim());
    if (key.endsWith('.pub')) throw new Error(`--key takes the private key file, not the public one: ${key}`);
    if (/[\r\n]/.test(key)) throw new Error('--key must be one line');
    if (!existsSync(key)) process.stderr.write(`linus: note: ${key} does not exist here; the client must find it at this path\n`);
  }

  const profileDir = absPath(a.profileDir ?? defaultProfileDir());
  if (sshMcp === 1 && a.profileDir !== undefined) throw new Error('--profile-dir is for ssh-mcp 2 only');
  if (sshMcp === 1 && a.group !== undefined) throw new Error('--group is for ssh-mcp 2 only');
  if (sshMcp === 1 && a.transferRoot !== undefined) throw new Error('--transfer-root is for ssh-mcp 2 only (ssh-mcp 1 has no file tools)');
  const profilePath = join(profileDir, 'config.toml');
  const transferRoot = sshMcp === 2 ? chooseTransferRoot(a.transferRoot, profileDir) : undefined;
  return { client, host, user, port, key, passwordEnv, timeoutMs, maxChars, sshMcp, serverName, group, profilePath, transferRoot };
}

function realOrSame(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function overlap(a: string, b: string): boolean {
  const inside = (root: string, c: string): boolean => {
    const r = relative(root, c);
    return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
  };
  return inside(a, b) || inside(b, a);
}

/**
 * defaults.transferRoot of the ssh-mcp 2 profile. ssh-mcp 2.11.0 (build/tools/local-path.js,
 * build/tools/transfer-tools.js) reads it on the LOCAL side, the machine that runs the MCP
 * server: sftp-upload-file's `localPath` (absolute, or relative to the root) must resolve inside
 * it, must be a regular file and not a symlink; the remote side (`remotePath`) is any path the
 * SSH user may write. The root itself must be an absolute, existing directory owned by the user
 * running ssh-mcp, mode 0700 (no group or other bits), every parent owned by that user or root
 * and not writable by others unless sticky (/tmp is fine), and it must not overlap ssh-mcp's
 * install directory, the directory of the profile file, ~/.ssh or ssh-mcp's audit log directory.
 * Without the setting the file tools refuse. So the default is the directory of the bundle
 * (dist/ beside linus): the upload always sends the current build, and `--write-profile`
 * makes that directory mode 700.
 */
function chooseTransferRoot(raw: string | undefined, profileDir: string): string | undefined {
  let root: string;
  if (raw !== undefined) {
    root = absPath(raw.trim());
  } else {
    try {
      root = dirname(findBundle());
    } catch {
      process.stderr.write('linus: note: no bundle yet (npm run build), so no transferRoot: sftp-upload-file stays off; run mcp-config again after the build\n');
      return undefined;
    }
  }
  root = realOrSame(root);
  if (overlap(root, realOrSame(profileDir))) throw new Error(`--transfer-root ${root} overlaps the profile directory ${profileDir}: ssh-mcp refuses that; choose separate directories`);
  const ssh = realOrSame(join(homedir(), '.ssh'));
  if (overlap(root, ssh)) throw new Error(`--transfer-root ${root} overlaps ${ssh}: ssh-mcp refuses that; choose the directory of the bundle`);
  return root;
}
