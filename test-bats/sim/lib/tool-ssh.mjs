// @ts-check
// Fake `ssh`: logs into a simulated VM when it runs, sshd is up, the user is its ciuser and the
// key is one of its sshkeys; host keys are checked against known_hosts like OpenSSH does.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { out, err } from './util.mjs';
import { guestByIp, runtime } from './vm.mjs';
import { hostKey } from './hostkeys.mjs';
import { keyIds } from './sshkeys.mjs';
import { runRemote } from './remote.mjs';
import { nodeByAddr, runOnNode } from './node-ssh.mjs';

const WITH_ARG = new Set(['b', 'c', 'D', 'E', 'e', 'F', 'I', 'i', 'J', 'L', 'l', 'm', 'O', 'o', 'p', 'Q', 'R', 'S', 'W', 'w']);

/** @param {{st: any, args: string[], pause: (s: number) => void}} ctx */
export async function run(ctx) {
  const a = ctx.args;
  /** @type {Record<string, string>} */
  const opt = {};
  /** @type {string[]} */
  const ids = [];
  let user = ''; let dest = ''; let i = 0; let quiet = false;
  for (; i < a.length; i++) {
    const x = a[i];
    if (!x.startsWith('-') || x === '-') { dest = x; i++; break; }
    for (let j = 1; j < x.length; j++) {
      const c = x[j];
      if (!WITH_ARG.has(c)) { if (c === 'q') quiet = true; continue; }
      const v = x.slice(j + 1) || a[++i];
      if (c === 'i') ids.push(v);
      else if (c === 'l') user = v;
      else if (c === 'o') { const m = /^([\w]+)\s*[= ]\s*(.*)$/.exec(v); if (m) opt[m[1].toLowerCase()] ??= m[2]; }
      break;
    }
  }
  const cmd = a.slice(i).join(' ');
  if (!dest) { err('usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address] ... destination [command [argument ...]]\n'); return 255; }
  if (dest.includes('@')) { user = dest.slice(0, dest.lastIndexOf('@')); dest = dest.slice(dest.lastIndexOf('@') + 1); }
  user ||= process.env.USER || 'root';
  if ((opt.loglevel ?? '').toUpperCase() === 'ERROR' || (opt.loglevel ?? '').toUpperCase() === 'QUIET') quiet = true;
  const st = ctx.st;
  const node = nodeByAddr(st, dest);
  if (node) {
    if (!node.online) { err(`ssh: connect to host ${node.ip} port 22: No route to host\n`); return 255; }
    if (user !== 'root') { err(`${user}@${dest}: Permission denied (publickey).\n`); return 255; }
    const r = runOnNode(st, node.name, cmd);
    if (r.out) out(r.out);
    if (r.err) err(r.err);
    return r.code;
  }
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(dest)) { err(`ssh: Could not resolve hostname ${dest}: Name or service not known\n`); return 255; }
  const g = guestByIp(st, dest);
  if (!g) { err(`ssh: connect to host ${dest} port 22: No route to host\n`); return 255; }
  if (!runtime(st, g).sshUp) { err(`ssh: connect to host ${dest} port 22: Connection refused\n`); return 255; }
  // host key
  const key = hostKey(g);
  const strict = (opt.stricthostkeychecking ?? 'ask').toLowerCase();
  const files = (opt.userknownhostsfile ?? path.join(process.env.HOME ?? '/root', '.ssh', 'known_hosts')).split(/\s+/).filter(Boolean).map((f) => f.replace(/^~/, process.env.HOME ?? ''));
  const known = lookupKnown(files, dest, key);
  if (known === 'mismatch') {
    err(`@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\nSomeone could be eavesdropping on you right now (man-in-the-middle attack)!\nIt is also possible that a host key has just been changed.\nThe fingerprint for the ED25519 key sent by the remote host is\n${fingerprint(key)}.\nPlease contact your system administrator.\nAdd correct host key in ${files[0]} to get rid of this message.\nED25519 host key for ${dest} has changed and you have requested strict checking.\nHost key verification failed.\n`);
    if (strict !== 'no' && strict !== 'off') return 255;
  } else if (known !== 'ok') {
    if (strict === 'yes' || strict === 'ask') {
      if (strict === 'yes') err(`No ED25519 host key is known for ${dest} and you have requested strict checking.\n`);
      err('Host key verification failed.\n');
      return 255;
    }
    if (files[0] !== '/dev/null') {
      try { fs.mkdirSync(path.dirname(files[0]), { recursive: true }); fs.appendFileSync(files[0], `${dest} ${key}\n`); } catch { /* like ssh: only a warning */ }
    }
    if (!quiet) err(`Warning: Permanently added '${dest}' (ED25519) to the list of known hosts.\n`);
  }
  // public key authentication
  const home = process.env.HOME ?? '/root';
  const cands = ids.length ? ids.map((f) => f.replace(/^~/, home)) : ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk'].map((n) => path.join(home, '.ssh', n));
  const offered = [];
  for (const f of cands) {
    if (!fs.existsSync(f)) { if (ids.length && !quiet) err(`Warning: Identity file ${f} not accessible: No such file or directory.\n`); continue; }
    const pub = fs.existsSync(`${f}.pub`) ? fs.readFileSync(`${f}.pub`, 'utf8') : spawnSync('ssh-keygen', ['-y', '-f', f], { encoding: 'utf8' }).stdout ?? '';
    offered.push(...keyIds(pub));
  }
  const allowed = keyIds(decodeURIComponent(g.config.sshkeys ?? ''));
  if (user !== g.user || !offered.some((k) => allowed.includes(k))) { err(`${user}@${dest}: Permission denied (publickey).\n`); return 255; }
  const r = runRemote(st, g, user, cmd, (s) => ctx.pause(s));
  if (r.out) out(r.out);
  if (r.err) err(r.err);
  return r.code;
}

/** @returns {'ok'|'mismatch'|'none'} */
function lookupKnown(files, host, key) {
  const type = key.split(' ')[0];
  let res = /** @type {'ok'|'mismatch'|'none'} */ ('none');
  for (const f of files) {
    let text = '';
    try { text = fs.readFileSync(f, 'utf8'); } catch { continue; }
    for (const line of text.split('\n')) {
      const [hosts, t, k] = line.trim().split(/\s+/);
      if (!hosts || hosts.startsWith('#') || t !== type) continue;
      if (!hosts.split(',').some((h) => h === host || hashedMatch(h, host))) continue;
      if (`${t} ${k}` === key) return 'ok';
      res = 'mismatch';
    }
  }
  return res;
}
/** @param {string} h @param {string} host */
function hashedMatch(h, host) {
  const m = /^\|1\|([^|]+)\|(.+)$/.exec(h);
  return !!m && crypto.createHmac('sha1', Buffer.from(m[1], 'base64')).update(host).digest('base64') === m[2];
}
/** @param {string} key */
function fingerprint(key) { return 'SHA256:' + crypto.createHash('sha256').update(Buffer.from(key.split(' ')[1], 'base64')).digest('base64').replace(/=+$/, ''); }
