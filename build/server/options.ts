// `linus mcp` options checked into ServerOptions; every problem is a one-line Error.
import { accessSync, constants, existsSync } from 'node:fs';
import { absPath } from '../mcp/options.js';
import { findBundle } from '../mcp/option-check.js';
import { checkRemotePath, DEFAULT_REMOTE_PATH } from '../upload/index.js';
import type { ServerOptions } from './index.js';
import { DEFAULT_FOLLOW_S, DEFAULT_POLL_S, MAX_POLL_S } from './limits.js';

export interface RawServerArgs {
  host?: string;
  port?: string | number;
  user?: string;
  key?: string;
  sudo?: boolean;
  knownHosts?: string;
  remotePath?: string;
  bundle?: string;
  pollSeconds?: string | number;
  followSeconds?: string | number;
}

const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%A-Za-z]*)$/;
const USER_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

function intIn(name: string, raw: string | number, min: number, max: number): number {
  const s = String(raw).trim();
  if (!/^[0-9]+$/.test(s) || Number(s) < min || Number(s) > max) {
    throw new Error(`--${name} must be a whole number ${min} .. ${max}, got '${s}'`);
  }
  return Number(s);
}

function readable(flag: string, raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw new Error(`--${flag} PATH is required`);
  const p = absPath(raw.trim());
  if (!existsSync(p)) throw new Error(`--${flag} ${p} does not exist`);
  try {
    accessSync(p, constants.R_OK);
  } catch {
    throw new Error(`--${flag} ${p} is not readable`);
  }
  return p;
}

export function checkServerArgs(a: RawServerArgs): ServerOptions {
  const host = (a.host ?? '').trim();
  if (!HOST_RE.test(host) || host.length > 253) {
    throw new Error(`--host must be a host name or an IP address, got '${host}'`);
  }
  const user = (a.user ?? '').trim();
  if (!USER_RE.test(user)) throw new Error(`--user must be a Linux user name, got '${user}'`);
  const port = intIn('port', a.port ?? 22, 1, 65535);
  const key = readable('key', a.key);
  if (key.endsWith('.pub')) throw new Error(`--key takes the private key file, not the public one: ${key}`);
  const knownHosts = a.knownHosts === undefined ? undefined : readable('known-hosts', a.knownHosts);
  const remotePath = checkRemotePath(a.remotePath ?? DEFAULT_REMOTE_PATH);
  const pollSeconds = intIn('poll-seconds', a.pollSeconds ?? DEFAULT_POLL_S, 1, MAX_POLL_S);
  return {
    target: { host, port, user, key, knownHosts },
    bundle: findBundle(a.bundle),
    remotePath,
    sudo: a.sudo === true,
    pollSeconds,
    followSeconds: intIn('follow-seconds', a.followSeconds ?? DEFAULT_FOLLOW_S, 0, 86_400),
  };
}
