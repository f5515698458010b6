// Text of the provisioning breakdown that `npm run bench` prints (one block per run).
import type { ProvisionRun } from './provision.js';

const f = (x: number): string => x.toFixed(2).padStart(6);

/** The per-step lines of one run, then its totals against the floor. */
export function breakdownText(p: ProvisionRun): string {
  const b = p.breakdown;
  const head = `${p.path} path, ${p.existingVms} existing VMs, ${p.latency} s/call`;
  const lines = [
    `breakdown: ${head}`,
    '  step           wall  calls(px+other, failed polls)  latency  sim-proc   sleep     own',
    ...b.steps.map(
      (s) =>
        `  ${s.step.padEnd(10)} ${f(s.seconds)}  ${`${s.proxmoxCalls}+${s.otherCalls}, ${s.failedPolls}`.padEnd(29)} ${f(s.latency)}    ${f(s.simProcess)}  ${f(s.sleep)}  ${f(s.own)}`,
    ),
    `  total ${b.total} s, floor ${b.floor} s (needed calls x latency + ${b.guestWait} s guest time no call hides), ` +
      `overhead ${b.overhead} s = simulator processes ${b.simProcess} + poll sleeps ${b.sleep} + own ${b.own} ` +
      `(- the failed polls' latency)`,
  ];
  return `${lines.join('\n')}\n`;
}
