// Provisioning runs on the simulator for the benchmark: how many Proxmox CLI calls a provision
// makes and how long it takes, with a given latency per call and a given number of existing VMs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
function simHost(root: string): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'linus-bench-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root@pve', '-f', join(home, '.ssh', 'id_ed25519')]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${resolve(root, 'test-bats/sim/bin')}:${process.env.PATH ?? ''}`,
    PVESIM_DIR: join(dir, 'pvesim'),
    HOME: home,
    LINUS_STATE_DIR: join(dir, 'state'),
    LINUS_CACHE_DIR: join(dir, 'cache'),
    LINUS_LOCK_DIR: join(dir, 'lock'),
    LINUS_POLL_INTERVAL: '0.5',
    NO_COLOR: '1',
  };
  for (const d of ['pvesim', 'state', 'cache', 'lock']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
  return { env, dir };
}

/** The acceptance VM provisioned on both paths on one fresh simulator with existingVms guests:
 * the import path, then (after an unmeasured run that builds the template) the clone path. */
export function benchProvision(root: string, existingVms: number, latency: number, extraArgs: string[] = []): ProvisionRun[] {
  const { env, dir } = simHost(root);
  try {
    const sim = (...args: string[]): void => {
      execFileSync('pvesim', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    };
    sim('init');
    for (let i = 0; i < existingVms; i++) {
      sim('guest', 'add', String(1000 + i), '--name', `vm${i}`, i % 5 === 0 ? '--type' : '--status', i % 5 === 0 ? 'lxc' : 'running');
    }
    sim('storage', 'set', 'local-lvm', '--free-gib', '4000'); // after the guests, which take space
    const bundle = resolve(root, 'dist/linus-provision-proxmox.sh');
    const wrap = process.getuid?.() === 0 ? ['unshare', '-n', 'bash'] : ['bash'];
    const callsPath = join(env.PVESIM_DIR as string, 'calls.jsonl');
    const runOne = (path: 'import' | 'clone', args: string[]): ProvisionRun => {
      writeFileSync(callsPath, '');
      const t0 = process.hrtime.bigint();
      const r = spawnSync(wrap[0], [...wrap.slice(1), bundle, ...args], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
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
      };
    };
    const base = ['--cores', '4', '--memory', '8G', '--disk', '50G', ...extraArgs];
    sim('latency', String(latency));
    const imp = runOne('import', ['--name', 'bench1', ...base]);
    sim('latency', '0');
    runOne('clone', ['--name', 'tplbuild', '--template-cache', ...base]); // builds the template
    sim('latency', String(latency));
    const cl = runOne('clone', ['--name', 'bench2', '--template-cache', ...base]);
    return [imp, cl];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
