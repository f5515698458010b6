// @ts-check
// Fake `ssh-keyscan [-T n] [-t types] [-p port] [-q] HOST...`.
import { out, err } from './util.mjs';
import { guestByIp, runtime } from './vm.mjs';
import { hostKey, HOST_KEY_TYPES } from './hostkeys.mjs';

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const a = ctx.args;
  let types = 'ed25519,ecdsa,rsa'; let quiet = false;
  /** @type {string[]} */
  const hosts = [];
  for (let i = 0; i < a.length; i++) {
    if (['-T', '-p', '-f', '-O'].includes(a[i])) i++;
    else if (a[i] === '-t') types = a[++i];
    else if (a[i] === '-q') quiet = true;
    else if (!a[i].startsWith('-')) hosts.push(a[i]);
  }
  let found = 0;
  for (const h of hosts) {
    const g = guestByIp(ctx.st, h);
    if (!g || !runtime(ctx.st, g).sshUp) continue;
    const want = HOST_KEY_TYPES.filter((k) => types.split(',').some((t) => t.trim().startsWith(k)));
    for (const k of want) {
      if (!quiet) err(`# ${h}:22 SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\n`);
      out(`${h} ${hostKey(g, k)}\n`);
      found++;
    }
  }
  return found ? 0 : 1;
}
