// Text of the provisioning breakdown that `npm run bench` prints (one block per run).
import type { ProvisionRun } from './provision.js';

const f = (x: number): string => x.toFixed(2).padStart(6);

/** The per-step lines of one run, its totals against the floor, and the top contributors. */
export function breakdownText(p: ProvisionRun): string {
  const b = p.breakdown;
  const head = `${p.path} path, ${p.existingVms} existing VMs, ${p.latency} s/call`;
  const lines = [
    `breakdown: ${head}`,
    '  step           wall  calls(px+other, failed polls, repeats)  latency  sim-proc   sleep     own',
    ...b.steps.map((s) => {
      const calls = `${s.proxmoxCalls}+${s.otherCalls}, ${s.failedPolls}, ${s.repeated}`.padEnd(38);
      const times = `${f(s.latency)}    ${f(s.simProcess)}  ${f(s.sleep)}  ${f(s.own)}`;
      return `  ${s.step.padEnd(10)} ${f(s.seconds)}  ${calls} ${times}`;
    }),
    `  measured ${b.total} s, floor ${b.floor} s (needed calls x ${p.latency} s, ` +
      `the guest's boot as ${b.bootFloor} s), overhead ${b.overhead} s:`,
    `    simulator process start-ups ${b.simProcess} s ` +
      "(a harness cost: on a real host a call's latency includes its process)",
    `    the bundle's own ${b.bundle} s = waiting on the guest beyond its boot ${b.bootExcess} ` +
      `+ failed polls, repeated reads and sleeps ${b.wasted} + bash/perl/forks ${b.own}`,
    '  top contributors:',
    ...b.top.map((t) => `    ${f(t.seconds)} s  ${t.step}: ${t.what}`),
  ];
  return `${lines.join('\n')}\n`;
}
