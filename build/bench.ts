// npm run bench: sizes, upload cost, compile time and provisioning cost on the simulator.
// Writes dist/bench.json and the table between the bench markers in README.md.
// A benchmark, not a test: it measures and reports, it does not pass or fail on numbers.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compile } from './compiler/index.js';
import { makeFromUrlCommand, makeUploadCommands, resolveCompress, uploadStats } from './upload/index.js';
import { benchProvision, type ProvisionRun } from './bench/provision.js';
import { breakdownText } from './bench/report.js';

const root = resolve(process.cwd());
const quick = process.argv.includes('--quick');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function compileMs(): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    compile({ root });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return Math.round(median(times));
}

const bundle = readFileSync(resolve(root, 'dist/linus-provision-proxmox.sh'));
const compress = resolveCompress('auto');
const upload = [undefined, 5000, 1000].map((maxChars) => ({
  maxChars: maxChars ?? 'none',
  compress,
  ...uploadStats(bundle, makeUploadCommands(bundle, { maxChars })),
}));
const fromUrlChars = makeFromUrlCommand(bundle, {
  url: 'https://github.com/OWNER/linus-provision/releases/download/v0.0.0/linus-provision-proxmox.sh',
}).length;
const compileTimeMs = compileMs();

const vmCounts = quick ? [0, 60] : [0, 60, 500];
const provision: ProvisionRun[] = [];
for (const n of vmCounts) {
  process.stderr.write(`bench: provision (import and clone path) with ${n} existing VMs, 0.3 s latency per call...\n`);
  provision.push(...(await benchProvision(root, n, 0.3)));
}

const result = {
  bundleBytes: bundle.length,
  compileTimeMs,
  upload,
  fromUrlChars,
  provision,
};
writeFileSync(resolve(root, 'dist/bench.json'), `${JSON.stringify(result, null, 2)}\n`);

const rows: string[] = [
  '| measure | value |',
  '|---|---|',
  `| bundle size | ${bundle.length} bytes |`,
  `| compile time (median of 5) | ${compileTimeMs} ms |`,
  ...upload.map(
    (u) =>
      `| upload at max-chars ${u.maxChars} (${u.compress}) | ${u.commands} commands, ${u.totalChars} chars (longest ${u.maxCommandChars}), ratio to plain base64 ${u.ratio.toFixed(2)} |`,
  ),
  `| upload --from-url (a GitHub release URL) | 1 command, ${fromUrlChars} chars |`,
  ...provision.map(
    (p) =>
      `| provision, ${p.path} path, ${p.existingVms} existing VMs, ${p.latency} s/call | ${p.ok ? 'ok' : 'FAILED'}, ${p.seconds} s (floor ${p.breakdown.floor} s, overhead ${p.breakdown.overhead} s = simulator processes ${p.breakdown.simProcess} s + the bundle's own ${p.breakdown.bundle} s), ${p.proxmoxCalls} Proxmox calls + ${p.agentPolls} agent/status polls (${p.mutatingCalls} mutating) |`,
  ),
];
const table = rows.join('\n');
process.stdout.write(`${table}\n\n${provision.map(breakdownText).join('\n')}`);

const readmePath = resolve(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const start = '<!-- bench:start -->';
const end = '<!-- bench:end -->';
const a = readme.indexOf(start);
const b = readme.indexOf(end);
if (a >= 0 && b > a) {
  const note = `\n_Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (simulator, 2-core machine)._\n\n`;
  writeFileSync(readmePath, `${readme.slice(0, a + start.length)}${note}${table}\n${readme.slice(b)}`);
  process.stderr.write('bench: README.md table updated\n');
}
