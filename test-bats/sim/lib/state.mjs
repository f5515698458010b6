// @ts-check
// The simulated host's state: one JSON file under $PVESIM_DIR, guarded by flock(1).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { SimExit } from './util.mjs';
import { etcFiles, syncEtc } from './etc-pve.mjs';

export function simDir() {
  const d = process.env.PVESIM_DIR;
  if (!d) throw new SimExit(99, 'pvesim: PVESIM_DIR is not set (run: export PVESIM_DIR=$(mktemp -d); pvesim init)');
  return d;
}
export const statePath = () => path.join(simDir(), 'state.json');

let lockFd = -1;
/** Takes the host-wide state lock (flock on $PVESIM_DIR/lock, held by this process's fd). */
export function lock() {
  if (lockFd >= 0) return;
  lockFd = fs.openSync(path.join(simDir(), 'lock'), 'a');
  const r = spawnSync('flock', ['-x', '-w', '30', '3'], { stdio: ['ignore', 'ignore', 'inherit', lockFd] });
  if (r.status !== 0) throw new SimExit(99, 'pvesim: cannot take the state lock');
}
export function unlock() {
  if (lockFd < 0) return;
  fs.closeSync(lockFd); // the last fd of the open file description: the flock is released

  lockFd = -1;
}

/** @returns {any} */
export function load() {
  let text;
  try { text = fs.readFileSync(statePath(), 'utf8'); } catch {
    throw new SimExit(99, `pvesim: no simulated host in ${simDir()} (run: pvesim init)`);
  }
  const st = JSON.parse(text);
  // PVESIM_NODE=NAME: this call runs on cluster node NAME (qm, hostname, local files); not saved
  const here = process.env.PVESIM_NODE;
  if (here && here !== st.localNode && st.nodes.some((/** @type {any} */ n) => n.name === here)) {
    Object.defineProperty(st, 'homeNode', { value: st.localNode, enumerable: false });
    st.localNode = here;
  }
  Object.defineProperty(st, 'etcBefore', { value: etcFiles(st), enumerable: false, writable: true });
  return st;
}
/** @param {any} st */
export function save(st) {
  const tmp = statePath() + '.' + process.pid;
  fs.writeFileSync(tmp, JSON.stringify(st.homeNode ? { ...st, localNode: st.homeNode } : st, null, 1));
  fs.renameSync(tmp, statePath());
  syncEtc(simDir(), st, st.etcBefore); // the /etc/pve view of the guest configs (etc-pve.mjs)
  if (st.etcBefore) st.etcBefore = etcFiles(st);
}

/** Simulated wall clock in ms (real time plus `pvesim clock` offset). @param {any} st */
export const now = (st) => Date.now() + (st.clockOffsetMs ?? 0);

/** Appends one call record to calls.jsonl. */
export function logCall(/** @type {Record<string, any>} */ rec) {
  fs.appendFileSync(path.join(simDir(), 'calls.jsonl'), JSON.stringify(rec) + '\n');
}
