// @ts-check
// Real host keys per simulated VM (made with ssh-keygen on first use): ssh-ed25519, which the
// guest's sshd offers first and ssh records, and ecdsa-sha2-nistp256 (cloud-init's
// ssh_genkeytypes default makes rsa, ecdsa and ed25519; rsa is left out as slow to make).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { simDir } from './state.mjs';

/** The host key types of a guest, in the order ssh-keyscan prints them (its KT_* order). */
export const HOST_KEY_TYPES = ['ecdsa', 'ed25519'];

/** `TYPE AAAA...` of the VM's host key of `type` (ed25519 or ecdsa). @param {any} g */
export function hostKey(g, type = 'ed25519') {
  const dir = path.join(simDir(), 'hostkeys');
  const f = path.join(dir, `${g.vmid}_ssh_host_${type}_key`);
  if (!fs.existsSync(`${f}.pub`)) {
    fs.mkdirSync(dir, { recursive: true });
    spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `root@${g.config?.name ?? g.vmid}`, '-f', f], { stdio: 'ignore' });
  }
  return fs.readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}
