// The system OpenSSH client, one remote command a call: BatchMode (no prompt ever), host key
// checking on (StrictHostKeyChecking=yes), so ~/.ssh/config, the agent and known_hosts apply.
import { spawn } from 'node:child_process';
import { SSH_COMMAND_BOUND_S, SSH_CONNECT_TIMEOUT_S } from './limits.js';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** Private key file (-i). */
  key: string;
  /** UserKnownHostsFile; undefined: ssh's own (~/.ssh/known_hosts). */
  knownHosts?: string;
  /** The ssh program (default `ssh` on PATH). */
  ssh?: string;
}

export interface SshResult {
  /** ssh's exit code: the remote command's, or 255 for an ssh error; -1 when killed. */
  code: number;
  stdout: string;
  stderr: string;
  /** Killed at the bound. */
  timedOut: boolean;
  /** Killed because the caller's signal fired. */
  aborted: boolean;
}

export interface SshRunOptions {
  /** Bytes for the remote command's stdin (else stdin is empty). */
  input?: Buffer;
  /** Stop the command sooner than the bound. */
  boundMs?: number;
  signal?: AbortSignal;
}

/** The ssh arguments before the remote command. */
export function sshArgs(t: SshTarget): string[] {
  const o = (s: string): string[] => ['-o', s];
  return [
    '-T',
    ...o('BatchMode=yes'),
    ...o('StrictHostKeyChecking=yes'),
    ...(t.knownHosts !== undefined ? o(`UserKnownHostsFile=${t.knownHosts}`) : []),
    ...o(`ConnectTimeout=${SSH_CONNECT_TIMEOUT_S}`),
    ...o('ServerAliveInterval=10'),
    ...o('ServerAliveCountMax=3'),
    ...o('IdentitiesOnly=yes'),
    '-i', t.key,
    '-p', String(t.port),
    '-l', t.user,
    '--', t.host,
  ];
}

/** Runs COMMAND on the host (its login shell parses it); never rejects. */
export function runSsh(t: SshTarget, command: string, o: SshRunOptions = {}): Promise<SshResult> {
  return new Promise((resolve) => {
    const child = spawn(t.ssh ?? 'ssh', [...sshArgs(t), command], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let aborted = false;
    const kill = (): void => {
      child.kill('SIGTERM');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, o.boundMs ?? SSH_COMMAND_BOUND_S * 1000);
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    if (o.signal?.aborted === true) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => undefined); // a command that does not read its stdin
    child.stdin.end(o.input ?? Buffer.alloc(0));
    const done = (code: number, extra = ''): void => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extra,
        timedOut,
        aborted,
      });
    };
    child.on('error', (e: NodeJS.ErrnoException) => done(255, `cannot run ssh: ${e.code ?? e.message}\n`));
    child.on('close', (code) => done(code ?? -1));
  });
}
