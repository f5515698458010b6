// Where a provision's wall time goes, per step (the bundle's `==> [step]` progress lines): the
// simulated tool calls and their latency, the simulator's own process cost, the bundle's poll
// sleeps, and what is left: our own overhead (bash, perl, forks). The floor of a run is the latency
// of the calls it needs (failed polls excluded) plus the guest time no call hides.
import type { TimedCall, TimedSleep } from './shims.js';

const PROXMOX = new Set(['qm', 'pvesh', 'pvesm', 'pveversion']);
/** Calls that ask whether the guest is ready yet: a failing one is a poll that came too early. */
const POLLS = new Set(['ssh', 'ssh-keyscan']);

export interface StepTime {
  step: string;
  seconds: number;
  proxmoxCalls: number;
  otherCalls: number;
  failedPolls: number;
  /** calls x simulated latency */
  latency: number;
  /** time inside the simulated tools beyond their latency (node start-up of the simulator) */
  simProcess: number;
  sleep: number;
  /** seconds - time in tools - sleep: bash, perl and forks of the bundle itself */
  own: number;
}

export interface Breakdown {
  total: number;
  floor: number;
  /** total - (needed calls x latency) - guest time no call hides, as the bench defines it */
  overhead: number;
  simProcess: number;
  sleep: number;
  own: number;
  guestWait: number;
  steps: StepTime[];
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

function isFailedPoll(c: TimedCall): boolean {
  if (c.exit === 0) return false;
  return POLLS.has(c.tool) || (c.tool === 'qm' && c.args0 === 'guest');
}

/** BOUNDS: [step, start] in order (epoch seconds), END the run's end; guestReady: seconds from the
 * end of `qm start` until the guest answers (agent up), of which the first call after it hides one
 * latency. */
export function breakdown(
  bounds: Array<[string, number]>,
  end: number,
  calls: TimedCall[],
  sleeps: TimedSleep[],
  latency: number,
  guestReady: number,
): Breakdown {
  const steps: StepTime[] = bounds.map(([step, t0], i) => {
    const t1 = i + 1 < bounds.length ? bounds[i + 1][1] : end;
    const cs = calls.filter((c) => c.start >= t0 && c.start < t1);
    const ss = sleeps.filter((s) => s.start >= t0 && s.start < t1);
    const inTools = cs.reduce((a, c) => a + (c.end - c.start), 0);
    const sleep = ss.reduce((a, s) => a + s.seconds, 0);
    const lat = cs.length * latency;
    return {
      step,
      seconds: r2(t1 - t0),
      proxmoxCalls: cs.filter((c) => PROXMOX.has(c.tool)).length,
      otherCalls: cs.filter((c) => !PROXMOX.has(c.tool)).length,
      failedPolls: cs.filter(isFailedPoll).length,
      latency: r2(lat),
      simProcess: r2(inTools - lat),
      sleep: r2(sleep),
      own: r2(t1 - t0 - inTools - sleep),
    };
  });
  const total = end - (bounds[0]?.[1] ?? end);
  const needed = calls.filter((c) => !isFailedPoll(c)).length;
  const guestWait = Math.max(0, guestReady - latency);
  const floor = needed * latency + guestWait;
  const sum = (k: 'simProcess' | 'sleep' | 'own'): number => r2(steps.reduce((a, s) => a + s[k], 0));
  return {
    total: r2(total),
    floor: r2(floor),
    overhead: r2(total - floor),
    simProcess: sum('simProcess'),
    sleep: sum('sleep'),
    own: sum('own'),
    guestWait: r2(guestWait),
    steps,
  };
}
