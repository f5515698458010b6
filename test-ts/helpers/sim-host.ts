// The simulated Proxmox host the end-to-end tests log in to: root's home under a temp dir with its
// own ed25519 key (root@pve), the environment the SSH sessions get (the simulator first on PATH,
// its state and the script's dirs in the temp dir), and pvesim run with that environment.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO } from './cli.js';

export const SIM_BIN = join(REPO, 'test-bats', 'sim', 'bin');

/** root's home with its key under `dir`, and the sessions' environment. */
export function simHost(dir: string): Record<string, string> {
  const home = join(dir, 'host-home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root@pve', '-f', join(home, '.ssh', 'id_ed25519')]);
  return {
    PATH: `${SIM_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: home,
    PVESIM_DIR: join(dir, 'pvesim'),
    LINUS_STATE_DIR: join(dir, 'state'),
    LINUS_CACHE_DIR: join(dir, 'cache'),
    LINUS_LOCK_DIR: join(dir, 'lock'),
    LINUS_POLL_INTERVAL: '0.2',
    LANG: 'C.UTF-8',
  };
}

/** A simulator control command, run here with the environment `env` of the SSH sessions. */
export function pvesimWith(env: Record<string, string>, args: string[]): string {
  const r = spawnSync(join(SIM_BIN, 'pvesim'), args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  expect(r.status, `pvesim ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout.trim();
}
