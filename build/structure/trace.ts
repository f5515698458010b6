// Traced provision on the simulator: which source files the run goes through, and how often
// it comes back to a file it already left (a measure of how tangled the call graph is).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

interface SeqStats {
  sequence: string[]; // files in order, consecutive repeats collapsed
  changes: number; // changes of file (sequence length - 1)
  returns: number; // entries whose file was seen before
}

interface TraceStats {
  all: SeqStats;
  steps: SeqStats;
  pairs: [string, number][]; // "a⇄b" over the steps/ sequence, most frequent first
}

/** Collapse consecutive repeats and count changes and returns to an already visited file. */
export function seqStats(files: readonly string[]): SeqStats {
  const sequence: string[] = [];
  for (const f of files) if (sequence[sequence.length - 1] !== f) sequence.push(f);
  const seen = new Set<string>();
  let returns = 0;
  for (const f of sequence) {
    if (seen.has(f)) returns++;
    seen.add(f);
  }
  return { sequence, changes: Math.max(0, sequence.length - 1), returns };
}

/** Unordered transition counts a⇄b of a collapsed sequence, most frequent first. */
export function pairCounts(sequence: readonly string[]): [string, number][] {
  const m = new Map<string, number>();
  for (let i = 1; i < sequence.length; i++) {
    const [a, b] = [sequence[i - 1], sequence[i]].sort();
    const k = `${a}⇄${b}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
}

/**
 * Trace lines written with PS4='+${BASH_SOURCE[0]}|': the file of each line, relative to root,
 * from the call of linus_main on (before it the files are only being sourced: definitions).
 * A trace without that call is taken whole.
 */
function traceFiles(trace: string, root: string): string[] {
  const lines = trace.split('\n');
  const start = lines.findIndex((l) => /^\++[^|]*\|linus_main(\s|$)/.test(l));
  const out: string[] = [];
  for (const line of lines.slice(Math.max(start, 0))) {
    const m = /^\++([^|+][^|]*)\|/.exec(line);
    if (!m || m[1] === '') continue;
    out.push(relative(root, resolve(root, m[1])));
  }
  return out;
}

export function analyzeTrace(trace: string, root: string): TraceStats {
  const files = traceFiles(trace, root);
  const steps = seqStats(files.filter((f) => f.startsWith('steps/')));
  return { all: seqStats(files), steps, pairs: pairCounts(steps.sequence) };
}

/** Runs ENTRY provision --name web1 on a fresh simulator with xtrace; returns the trace text. */
export function runTrace(root: string, entry: string): { trace: string; status: number | null; out: string } {
  const work = mkdtempSync(join(tmpdir(), 'linus-structure.'));
  try {
    const home = join(work, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PVESIM_DIR: join(work, 'pvesim'),
      HOME: home,
      PATH: `${join(root, 'test-bats/sim/bin')}:${process.env.PATH ?? ''}`,
      LINUS_STATE_DIR: join(work, 'state'),
      LINUS_CACHE_DIR: join(work, 'cache'),
      LINUS_LOCK_DIR: join(work, 'lock'),
      LINUS_POLL_INTERVAL: '0.1',
    };
    mkdirSync(env.PVESIM_DIR as string);
    const key = join(home, '.ssh/id_ed25519');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root@pve', '-f', key], { env });
    const init = spawnSync('pvesim', ['init', '--version', '8.3'], { env, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`pvesim init failed: ${init.stderr}`);
    const traceFile = join(work, 'trace');
    // bash ignores PS4 from the environment when run as root: set it inside, then source the entry
    const script =
      'exec 9>"$1"; shift; BASH_XTRACEFD=9; PS4=\'+${BASH_SOURCE[0]-}|\'; set -x; source "$@"';
    let cmd = ['bash', '-c', script, 'trace', traceFile, join(root, entry), 'provision', '--name', 'web1'];
    const root0 = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
    if (root0) cmd = ['unshare', '-n', ...cmd];
    const r = spawnSync(cmd[0], cmd.slice(1), { env, cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
    return { trace: readFileSync(traceFile, "utf8"), status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
