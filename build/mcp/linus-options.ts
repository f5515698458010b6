// The options of `linus mcp-config --server linus` checked into LinusEntryOptions (one-line Errors).
import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkServerArgs } from '../server/options.js';
import { CLIENTS, type ClientKind } from './config.js';
import { DEFAULT_LINUS_SERVER_NAME, type LinusEntryOptions } from './linus-entry.js';

export interface RawLinusEntryArgs {
  client?: string;
  host?: string;
  port?: string | number;
  user?: string;
  key?: string;
  knownHosts?: string;
  sudo?: boolean;
  name?: string;
  sshMcp?: string | number;
  timeoutMs?: string | number;
  maxChars?: string | number;
  passwordEnv?: boolean;
  profileDir?: string;
  group?: string;
  writeProfile?: boolean;
  transferRoot?: string;
  emit?: string;
}

const NAME_RE = /^[A-Za-z0-9_-]{1,40}$/;

/** Options of the ssh-mcp entry that mean nothing here: refused rather than ignored. */
function refuseSshMcpOptions(a: RawLinusEntryArgs): void {
  if (a.passwordEnv === true) {
    throw new Error('--server linus logs in with a key (--key): --password-env is for ssh-mcp 2');
  }
  const given: Array<[string, unknown]> = [
    ['--profile-dir', a.profileDir], ['--group', a.group], ['--transfer-root', a.transferRoot],
  ];
  if (a.writeProfile === true) given.push(['--write-profile', true]);
  if (a.emit !== undefined && a.emit !== 'client') given.push(['--emit', a.emit]);
  for (const [flag, v] of given) {
    if (v !== undefined) throw new Error(`${flag} is an option of the ssh-mcp entry, not of --server linus`);
  }
}

export function linusEntryOptions(a: RawLinusEntryArgs): LinusEntryOptions {
  refuseSshMcpOptions(a);
  if (a.client === undefined || !(CLIENTS as readonly string[]).includes(a.client)) {
    const got = a.client === undefined ? '' : ` (got '${a.client}')`;
    throw new Error(`--client must be one of: ${CLIENTS.join(', ')}${got}`);
  }
  // the same checks `linus mcp` makes when the client starts it
  const s = checkServerArgs({
    host: a.host, port: a.port, user: a.user, key: a.key, knownHosts: a.knownHosts, sudo: a.sudo,
  });
  const name = a.name ?? DEFAULT_LINUS_SERVER_NAME;
  if (!NAME_RE.test(name)) throw new Error(`--name must be letters, digits, '-' or '_' (at most 40), got '${name}'`);
  return {
    client: a.client as ClientKind,
    serverName: name,
    node: process.execPath,
    cli: cliFile(),
    host: s.target.host,
    port: s.target.port,
    user: s.target.user,
    key: s.target.key,
    knownHosts: s.target.knownHosts,
    sudo: s.sudo,
  };
}

/**
 * dist/cli.js as the client must start it: absolute, through symlinks (node_modules/.bin/linus);
 * from the sources (build/cli.ts under tsx), the built file beside them.
 */
function cliFile(): string {
  let p = resolve(process.argv[1] ?? 'dist/cli.js');
  try {
    p = realpathSync(p);
  } catch {
    // keep the path as given
  }
  return p.endsWith('.ts') ? join(dirname(p), '..', 'dist', 'cli.js') : p;
}
