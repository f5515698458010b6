// A throwaway OpenSSH server on 127.0.0.1 at a free high port: its own host key, client key,
// authorized_keys and config, all in a temp dir (nothing in /root or /etc is touched).
// Sessions get the environment given in `env` through authorized_keys `environment="..."`
// options (PermitUserEnvironment yes), so PATH/HOME/etc. can point at a simulator.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { userInfo } from 'node:os';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  user: string;
  /** Private key file the client logs in with. */
  clientKey: string;
  dir: string;
  /** Everything sshd wrote to stderr so far. */
  log: () => string;
  stop: () => Promise<void>;
}

/** Why sshd cannot run here, or undefined when it can. */
export function sshdUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is not installed (apt-get install openssh-server)`;
  if (!existsSync('/usr/bin/ssh-keygen')) return 'ssh-keygen is not installed';
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'linus-e2e', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/** An authorized_keys `environment="NAME=value"` option (value without '"' or newlines). */
function envOption(name: string, value: string): string {
  if (/["\\\n\r]/.test(value)) throw new Error(`environment value of ${name} cannot hold quotes or newlines`);
  return `environment="${name}=${value}"`;
}

function waitListening(proc: ChildProcess, log: () => string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = (): void => {
      if (log().includes('Server listening on 127.0.0.1')) return resolve();
      if (proc.exitCode !== null || proc.signalCode !== null) return reject(new Error(`sshd exited: ${log().trim().split('\n').slice(-3).join(' | ')}`));
      if (Date.now() - t0 > ms) return reject(new Error(`sshd did not start within ${ms} ms: ${log()}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

/** Starts sshd in the foreground (-D -e); rejects with the reason when it cannot start. */
export async function startSshd(dir: string, env: Record<string, string>): Promise<Sshd> {
  mkdirSync(dir, { recursive: true });
  const user = userInfo().username;
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_key');
  const clientKey = join(dir, 'client_key');
  keygen(hostKey);
  keygen(clientKey);
  const opts = ['restrict', 'pty', ...Object.entries(env).map(([k, v]) => envOption(k, v))].join(',');
  writeFileSync(join(dir, 'authorized_keys'), `${opts} ${readFileSync(`${clientKey}.pub`, 'utf8').trim()}\n`, { mode: 0o600 });
  let lastErr: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(config, [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PermitUserEnvironment yes',
      `AllowUsers ${user}`,
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      '',
    ].join('\n'));
    const check = spawnSync(SSHD, ['-t', '-f', config], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`sshd -t refused the config: ${check.stderr.trim()}`);
    let buf = '';
    const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (d: Buffer) => { buf += d.toString(); });
    const log = (): string => buf;
    try {
      await waitListening(proc, log, 10_000);
    } catch (err) {
      lastErr = err;
      proc.kill('SIGTERM');
      if (/Address already in use/.test(buf)) continue;
      throw err;
    }
    // Should the test runner end without afterAll, our sshd goes with it.
    const onExit = (): void => { proc.kill('SIGTERM'); };
    process.once('exit', onExit);
    const stop = (): Promise<void> =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        process.removeListener('exit', onExit);
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM'); // by our own child's pid, nothing else
      });
    return { port, user, clientKey, dir, log, stop };
  }
  throw lastErr instanceof Error ? lastErr : new Error('sshd did not start');
}
