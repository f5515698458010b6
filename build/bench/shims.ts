// Timing shims for the benchmark: a directory put first on the bundle's PATH with one small bash
// wrapper per simulated tool (it logs the call's start, end, exit code and arguments, then the simulator's
// tool does the work) and one for `sleep` (it logs start and requested seconds, then sleeps).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The simulator's tools, as the bundle runs them (pvesim itself is the bench's, not logged). */
export const SIM_TOOLS = [
  'arping', 'curl', 'dpkg-query', 'hostname', 'ip', 'ping', 'pvesh', 'pvesm', 'pveversion',
  'qemu-img', 'qm', 'ssh', 'ssh-keyscan', 'wget',
];

export interface TimedCall {
  tool: string;
  args0: string;
  /** the call's arguments joined by spaces (newlines as spaces) */
  args: string;
  start: number;
  end: number;
  exit: number;
}

export interface TimedSleep {
  start: number;
  seconds: number;
}

/** Writes the shims into DIR/shims; returns that directory and the log file they append to. */
export function writeShims(dir: string, simBin: string): { bin: string; log: string } {
  const bin = join(dir, 'shims');
  const log = join(dir, 'timing.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, '');
  const realSleep = execFileSync('bash', ['-c', 'type -P sleep'], { encoding: 'utf8' }).trim();
  for (const tool of SIM_TOOLS) {
    const f = join(bin, tool);
    writeFileSync(
      f,
      `#!/bin/bash\ns=$EPOCHREALTIME rc=0\n'${simBin}/${tool}' "$@" || rc=$?\n` +
        `printf 'call %s %s %s %s %s\\n' '${tool}' "$s" "$EPOCHREALTIME" "$rc" "\${*//$'\\n'/ }" >>'${log}'\nexit "$rc"\n`,
    );
    chmodSync(f, 0o755);
  }
  const s = join(bin, 'sleep');
  writeFileSync(s, `#!/bin/bash\nprintf 'sleep %s %s\\n' "$EPOCHREALTIME" "\${1:-0}" >>'${log}'\nexec '${realSleep}' "$@"\n`);
  chmodSync(s, 0o755);
  return { bin, log };
}

/** The calls and sleeps of a shim log (epoch seconds). */
export function readShimLog(log: string): { calls: TimedCall[]; sleeps: TimedSleep[] } {
  const calls: TimedCall[] = [];
  const sleeps: TimedSleep[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'call' && f.length >= 5) {
      calls.push({ tool: f[1], start: Number(f[2]), end: Number(f[3]), exit: Number(f[4]), args0: f[5] ?? '', args: f.slice(5).join(' ') });
    } else if (f[0] === 'sleep' && f.length >= 3) {
      sleeps.push({ start: Number(f[1]), seconds: Number(f[2]) || 0 });
    }
  }
  writeFileSync(log, '');
  return { calls, sleeps };
}
