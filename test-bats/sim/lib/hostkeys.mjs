// @ts-check
// One real ed25519 host key per simulated VM (made with ssh-keygen on first use).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { simDir } from './state.mjs';

/** `ssh-ed25519 AAAA...` of the VM's host key. @param {any} g */
export function hostKey(g) {
  const dir = path.join(simDir(), 'hostkeys');
  const f = path.join(dir, `${g.vmid}_ssh_host_ed25519_key`);
  if (!fs.existsSync(`${f}.pub`)) {
    fs.mkdirSync(dir, { recursive: true });
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${g.config?.name ?? g.vmid}`, '-f', f], { stdio: 'ignore' });
  }
  return fs.readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}
