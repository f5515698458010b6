// Where a provision's wall time goes, per step (the bundle's `==> [step]` progress lines): the
// simulated tool calls and their latency, the simulator's own process cost, the bundle's poll
// sleeps, and what is left: our own overhead (bash, perl, forks).
//
// The floor of a run is what no script could avoid: the latency of the calls it needs (failed
// polls and repeats of a read already answered excluded) plus the guest's boot time that the calls
// made while it boots (from `qm start` up to the first answer of its agent) do not hide. The
// overhead is the rest: the simulator's process start-ups (a harness cost: on a real host a call's
// latency includes its process), and the bundle's own part: repeated reads, waiting on the guest
// beyond its boot (failed polls, poll sleeps), and bash/perl/forks.
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
  /** repeats of a read-only call already answered (nothing changed the host between) */
  repeated: number;
  /** calls x simulated latency */
  latency: number;
  /** time inside the simulated tools beyond their latency (node start-up of the simulator) */
  simProcess: number;
  sleep: number;
  /** seconds - time in tools - sleep: bash, perl and forks of the bundle itself */
  own: number;
}

/** One line of the "top contributors" list: a step and a kind of time beyond the floor. */
export interface Contributor {
  step: string;
  what: string;
  seconds: number;
}

export interface Breakdown {
  total: number;
  floor: number;
  /** total - floor */
  overhead: number;
  /** the boot window's floor: the guest's boot, or the needed calls in it if they take longer */
  bootFloor: number;
  /** the boot window's wall time beyond its floor (poll cadence, the processes of its calls) */
  bootExcess: number;
  /** outside the boot window: simulator process start-ups (a harness cost) */
  simProcess: number;
  /** overhead - simProcess: the part the bundle controls */
  bundle: number;
  /** outside the boot window: latency of failed polls and repeated reads, and poll sleeps */
  wasted: number;
  /** outside the boot window: bash, perl and forks of the bundle */
  own: number;
  steps: StepTime[];
  top: Contributor[];
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

function isFailedPoll(c: TimedCall): boolean {
  if (c.exit === 0) return false;
  return POLLS.has(c.tool) || (c.tool === 'qm' && c.args0 === 'guest');
}

/** Reads whose answer only a change to the host can alter (a repeat of one is redundant). */
function isRead(c: TimedCall): boolean {
  const a = c.args.split(' ');
  switch (c.tool) {
    case 'hostname':
    case 'dpkg-query':
    case 'pveversion':
      return true;
    case 'ip':
      return a.includes('show');
    case 'pvesh':
      return a[0] === 'get' && !/\/(status|agent)\b|\/nextid\b/.test(a[1] ?? '');
    case 'pvesm':
      return ['path', 'status', 'list'].includes(a[0] ?? '');
    case 'qm':
      return ['config', 'pending', 'list'].includes(a[0] ?? '');
    default:
      return false;
  }
}

/** The calls that repeat an answered read with no other call that may change the host between. */
function repeatedCalls(calls: TimedCall[]): Set<TimedCall> {
  const seen = new Set<string>();
  const out = new Set<TimedCall>();
  for (const c of calls) {
    if (!isRead(c)) {
      if (PROXMOX.has(c.tool)) seen.clear();
      continue;
    }
    const key = `${c.tool} ${c.args}`;
    if (c.exit === 0 && seen.has(key)) out.add(c);
    if (c.exit === 0) seen.add(key);
  }
  return out;
}

/** The guest's boot window: from the end of `qm start` to the end of the first answer of its agent
 * (or of ssh-keyscan without it); [start, end] epoch seconds and the calls made in it. */
function bootWindow(calls: TimedCall[]): { t0: number; t1: number; calls: TimedCall[] } | undefined {
  const s = calls.findIndex((c) => c.tool === 'qm' && c.args0 === 'start' && c.exit === 0);
  if (s < 0) return undefined;
  const rest = calls.slice(s + 1);
  let ready = rest.findIndex((c) => c.tool === 'qm' && c.args0 === 'guest' && c.exit === 0);
  if (ready < 0) ready = rest.findIndex((c) => c.tool === 'ssh-keyscan' && c.exit === 0);
  if (ready < 0) return undefined;
  return { t0: calls[s].end, t1: rest[ready].end, calls: rest.slice(0, ready + 1) };
}

/** BOUNDS: [step, start] in order (epoch seconds), END the run's end; guestReady: seconds from the
 * end of `qm start`'s latency until the guest's agent answers. */
export function breakdown(
  bounds: Array<[string, number]>,
  end: number,
  calls: TimedCall[],
  sleeps: TimedSleep[],
  latency: number,
  guestReady: number,
): Breakdown {
  const repeated = repeatedCalls(calls);
  const needed = (c: TimedCall): boolean => !isFailedPoll(c) && !repeated.has(c);
  const win = bootWindow(calls);
  const inWin = new Set(win?.calls ?? []);
  const outside = (t: number): boolean => !win || t < win.t0 || t >= win.t1;
  const top: Contributor[] = [];
  const steps: StepTime[] = bounds.map(([step, t0], i) => {
    const t1 = i + 1 < bounds.length ? bounds[i + 1][1] : end;
    const cs = calls.filter((c) => c.start >= t0 && c.start < t1);
    const ss = sleeps.filter((s) => s.start >= t0 && s.start < t1);
    const inTools = cs.reduce((a, c) => a + (c.end - c.start), 0);
    const sleep = ss.reduce((a, s) => a + s.seconds, 0);
    const lat = cs.length * latency;
    const own = t1 - t0 - inTools - sleep;
    const tools = (xs: TimedCall[]): string => [...new Set(xs.map((c) => `${c.tool} ${c.args0}`.trim()))].join(', ');
    const co = cs.filter((c) => !inWin.has(c));
    const coTime = co.reduce((a, c) => a + (c.end - c.start), 0);
    const so = ss.filter((x) => outside(x.start)).reduce((a, x) => a + x.seconds, 0);
    const wo = win ? Math.max(0, Math.min(t1, win.t1) - Math.max(t0, win.t0)) : 0;
    const rep = co.filter((c) => repeated.has(c));
    const failed = co.filter(isFailedPoll);
    top.push({ step, what: 'simulator process start-ups (harness)', seconds: coTime - co.length * latency });
    top.push({ step, what: 'bash, perl and forks of the bundle', seconds: t1 - t0 - wo - coTime - so });
    if (rep.length) {
      top.push({ step, what: `${rep.length} repeated read(s): ${tools(rep)}`, seconds: rep.length * latency });
    }
    if (failed.length || so) {
      const what = `${failed.length} failed poll(s) + ${r2(so)} s poll sleeps`;
      top.push({ step, what, seconds: failed.length * latency + so });
    }
    return {
      step,
      seconds: r2(t1 - t0),
      proxmoxCalls: cs.filter((c) => PROXMOX.has(c.tool)).length,
      otherCalls: cs.filter((c) => !PROXMOX.has(c.tool)).length,
      failedPolls: cs.filter(isFailedPoll).length,
      repeated: cs.filter((c) => repeated.has(c)).length,
      latency: r2(lat),
      simProcess: r2(inTools - lat),
      sleep: r2(sleep),
      own: r2(own),
    };
  });
  const total = end - (bounds[0]?.[1] ?? end);
  // the boot window is a unit: its floor is the boot, or the needed calls in it if they take longer
  const winNeeded = (win?.calls ?? []).filter(needed).length * latency;
  const winFloor = win ? Math.max(guestReady, winNeeded) : 0;
  const winExcess = win ? win.t1 - win.t0 - winFloor : 0;
  const out = calls.filter((c) => !inWin.has(c));
  const floor = out.filter(needed).length * latency + winFloor;
  const simOut = out.reduce((a, c) => a + (c.end - c.start - latency), 0);
  const sleepOut = sleeps.filter((x) => outside(x.start)).reduce((a, x) => a + x.seconds, 0);
  const ownOut = total - (win ? win.t1 - win.t0 : 0) - out.reduce((a, c) => a + (c.end - c.start), 0) - sleepOut;
  const wasted = out.filter((c) => !needed(c)).length * latency;
  if (win) {
    const what = "waiting on the guest beyond its boot (poll cadence, calls' processes)";
    top.push({ step: 'start..network', what, seconds: winExcess });
  }
  return {
    total: r2(total),
    floor: r2(floor),
    overhead: r2(total - floor),
    bootFloor: r2(winFloor),
    bootExcess: r2(winExcess),
    simProcess: r2(simOut),
    bundle: r2(total - floor - simOut),
    wasted: r2(wasted + sleepOut),
    own: r2(ownOut),
    steps,
    top: top
      .filter((t) => t.seconds >= 0.005)
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 6)
      .map((t) => ({ ...t, seconds: r2(t.seconds) })),
  };
}
