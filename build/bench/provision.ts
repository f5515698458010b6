// Provisioning runs on the simulator for the benchmark: how many Proxmox CLI calls a provision
// makes and how long it takes, with a given latency per call and a given number of existing VMs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ProvisionRun {
  existingVms: number;
  latency: number;
  extraArgs: string[];
  ok: boolean;
  seconds: number;
  /** qm, pvesh, pvesm and pveversion calls, agent polls excluded. */
  proxmoxCalls: number;
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
  return c.tool === 'qm' && (c.args[0] === 'guest' || c.args[0] === 'agent');
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

/** One provision of the acceptance VM on a fresh simulator. */
export function benchProvision(root: string, existingVms: number, latency: number, extraArgs: string[] = []): ProvisionRun {
  const { env, dir } = simHost(root);
  try {
    const sim = (...args: string[]): void => {
      execFileSync('pvesim', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    };
    sim('init');
    sim('storage', 'set', 'local-lvm', '--free-gib', '4000');
    for (let i = 0; i < existingVms; i++) {
      sim('guest', 'add', String(100 + i), '--name', `vm${i}`, i % 5 === 0 ? '--type' : '--status', i % 5 === 0 ? 'lxc' : 'running');
    }
    sim('latency', String(latency));
    const args = ['--name', 'bench1', '--cores', '4', '--memory', '8G', '--disk', '50G', ...extraArgs];
    const t0 = process.hrtime.bigint();
    const wrap = process.getuid?.() === 0 ? ['unshare', '-n', 'bash'] : ['bash'];
    const r = spawnSync(wrap[0], [...wrap.slice(1), resolve(root, 'dist/linus-provision-proxmox.sh'), ...args], {
      env,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const calls: Call[] = readFileSync(join(env.PVESIM_DIR as string, 'calls.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Call);
    const px = calls.filter((c) => PROXMOX_TOOLS.has(c.tool));
    return {
      existingVms,
      latency,
      extraArgs,
      ok: r.status === 0 && /^LINUS_RESULT:SUCCESS$/m.test(r.stdout),
      seconds: Math.round(seconds * 10) / 10,
      proxmoxCalls: px.filter((c) => !isAgentPoll(c)).length,
      agentPolls: px.filter(isAgentPoll).length,
      mutatingCalls: calls.filter((c) => c.mutating).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
