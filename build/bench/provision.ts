// Provisioning runs on the simulator for the benchmark: how many Proxmox CLI calls a provision
// makes and how long it takes, with a given latency per call and a given number of existing VMs.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { breakdown, type Breakdown } from './breakdown.js';
import { readShimLog, writeShims } from './shims.js';

export interface ProvisionRun {
  /** import: the image imported by qm create; clone: --template-cache with the template built. */
  path: 'import' | 'clone';
  existingVms: number;
  latency: number;
  extraArgs: string[];
  ok: boolean;
  seconds: number;
  /** qm, pvesh, pvesm and pveversion calls, polls excluded. */
  proxmoxCalls: number;
  /** guest agent and status polls (qm guest cmd / qm status and their pvesh forms). */
  agentPolls: number;
  mutatingCalls: number;
  /** where the wall time went, per step */
  breakdown: Breakdown;
}

/** The simulated guest of the bench: up 1.2 s after qm start, DHCP 0.3 s later, its agent
 * (installed by the vendor snippet) 1.9 s after start, sshd at 1.7 s, cloud-init done at 2.2 s. */
const GUEST_TIMING = ['--boot', '1.2', '--dhcp', '0.3', '--agent', '0.7', '--ssh', '0.5', '--cloudinit', '0.5'];
const GUEST_READY = 1.9;

const epoch = (): number => (performance.timeOrigin + performance.now()) / 1000;

/** Runs the bundle; its exit code, stdout, and the `==> [step]` lines' arrival times. */
function runTimed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; bounds: Array<[string, number]>; end: number }> {
  return new Promise((done) => {
    const bounds: Array<[string, number]> = [['setup', epoch()]];
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let rest = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      const t = epoch();
      const lines = (rest + d).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        const m = /^==> \[([a-z-]+)\]/.exec(l);
        if (m) bounds.push([m[1], t]);
      }
    });
    child.on('close', (status) => done({ status, stdout, bounds, end: epoch() }));
  });
}

const PROXMOX_TOOLS = new Set(['qm', 'pvesh', 'pvesm', 'pveversion']);

interface Call {
  tool: string;
  args: string[];
  mutating: boolean;
}

function isAgentPoll(c: Call): boolean {
  if (c.tool === 'qm') return ['guest', 'agent', 'status'].includes(c.args[0] ?? '');
  return c.tool === 'pvesh' && c.args[0] === 'get' && /\/qemu\/\d+\/(agent\/|status\/current)/.test(c.args[1] ?? '');
}

/** A fresh simulated host in a temp dir: the environment the bundle runs with. */
function simHost(root: string): { env: NodeJS.ProcessEnv; dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'linus-bench-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root@pve', '-f', join(home, '.ssh', 'id_ed25519')]);
  const simBin = resolve(root, 'test-bats/sim/bin');
  const shims = writeShims(dir, simBin);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${shims.bin}:${simBin}:${process.env.PATH ?? ''}`,
    PVESIM_DIR: join(dir, 'pvesim'),
    HOME: home,
    LINUS_STATE_DIR: join(dir, 'state'),
    LINUS_CACHE_DIR: join(dir, 'cache'),
    LINUS_LOCK_DIR: join(dir, 'lock'),
    NO_COLOR: '1',
  };
  for (const d of ['pvesim', 'state', 'cache', 'lock']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
  delete env.LINUS_POLL_INTERVAL; // the bundle's own poll cadence is measured
  return { env, dir, log: shims.log };
}

/** The acceptance VM provisioned on both paths on one fresh simulator with existingVms guests:
 * the import path, then (after an unmeasured run that builds the template) the clone path. */
export async function benchProvision(root: string, existingVms: number, latency: number, extraArgs: string[] = []): Promise<ProvisionRun[]> {
  const { env, dir, log } = simHost(root);
  try {
    const sim = (...args: string[]): void => {
      execFileSync('pvesim', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    };
    sim('init');
    sim('timing', ...GUEST_TIMING);
    for (let i = 0; i < existingVms; i++) {
      sim('guest', 'add', String(1000 + i), '--name', `vm${i}`, i % 5 === 0 ? '--type' : '--status', i % 5 === 0 ? 'lxc' : 'running');
    }
    sim('storage', 'set', 'local-lvm', '--free-gib', '4000'); // after the guests, which take space
    const bundle = resolve(root, 'dist/linus-provision-proxmox.sh');
    const wrap = process.getuid?.() === 0 ? ['unshare', '-n', 'bash'] : ['bash'];
    const callsPath = join(env.PVESIM_DIR as string, 'calls.jsonl');
    const runOne = async (path: 'import' | 'clone', args: string[], lat: number): Promise<ProvisionRun> => {
      writeFileSync(callsPath, '');
      readShimLog(log);
      const r = await runTimed(wrap[0], [...wrap.slice(1), bundle, ...args], env);
      const seconds = r.end - r.bounds[0][1];
      const timed = readShimLog(log);
      const calls: Call[] = readFileSync(callsPath, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Call);
      const px = calls.filter((c) => PROXMOX_TOOLS.has(c.tool));
      return {
        path,
        existingVms,
        latency,
        extraArgs: args,
        ok: r.status === 0 && /^LINUS_RESULT:SUCCESS$/m.test(r.stdout),
        seconds: Math.round(seconds * 10) / 10,
        proxmoxCalls: px.filter((c) => !isAgentPoll(c)).length,
        agentPolls: px.filter(isAgentPoll).length,
        mutatingCalls: calls.filter((c) => c.mutating).length,
        breakdown: breakdown(r.bounds, r.end, timed.calls, timed.sleeps, lat, GUEST_READY),
      };
    };
    const base = ['--cores', '4', '--memory', '8G', '--disk', '50G', ...extraArgs];
    sim('latency', String(latency));
    const imp = await runOne('import', ['--name', 'bench1', ...base], latency);
    sim('latency', '0');
    await runOne('clone', ['--name', 'tplbuild', '--template-cache', ...base], 0); // builds the template
    sim('latency', String(latency));
    const cl = await runOne('clone', ['--name', 'bench2', '--template-cache', ...base], latency);
    return [imp, cl];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
