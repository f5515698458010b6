// The bundle's real output through ssh-mcp 2's own output path (build/tools/results.js
// commandOutput, which runs its redactor over stdout and stderr): every LINUS_* value an agent
// needs comes through unchanged; the one known to be hidden (the base64 SHA256 fingerprint) has
// its hex twin; a generated password never appears and would be hidden if it did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, runCli } from './helpers/cli.js';
import { linusLines } from './helpers/mcp.js';
import { stagingDir } from '../build/upload/index.js';

const BUNDLE = join(REPO, 'dist', 'linus-provision-proxmox.sh');
const SIM_BIN = join(REPO, 'test-bats', 'sim', 'bin');
const RESULTS_JS = join(REPO, 'node_modules', 'ssh-mcp', 'build', 'tools', 'results.js');

interface CommandResult { exitCode: number | null; stdout: string; stderr: string; signal?: string }
type CommandOutput = (r: CommandResult) => { content: Array<{ type: string; text: string }>; isError?: boolean };

/** LINUS_ keys an agent may lose to the redactor, each with the line that carries it instead. */
const HIDDEN_WITH_TWIN: Record<string, string> = { VM_HOST_KEY: 'VM_HOST_KEY_SHA256_HEX' };

let T = '';
let env: NodeJS.ProcessEnv = {};
let commandOutput: CommandOutput;

/** One bundle run on the simulator: exit code, stdout, stderr. */
function bundle(args: string[]): CommandResult {
  const r = spawnSync('bash', [BUNDLE, ...args], { env, encoding: 'utf8', timeout: 300_000 });
  return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What the agent gets from ssh-mcp 2 for this run: the text of its tool result. */
function agentText(r: CommandResult): string {
  return commandOutput(r).content.map((c) => c.text).join('\n');
}

/**
 * Asserts the run's LINUS_* lines reach the agent unchanged: each line whole, but for a key of
 * HIDDEN_WITH_TWIN (whose twin must then be there, whole) and LINUS_JSON, whose parsed object
 * must equal the run's but for those keys. Returns the run's lines as a map.
 */
function expectAgentSees(r: CommandResult): Record<string, string> {
  const seen = agentText(r).split('\n');
  const lines = linusLines(r.stdout);
  expect(lines.length, r.stderr).toBeGreaterThan(0);
  const map = Object.fromEntries(lines);
  for (const [k, v] of lines) {
    const line = `LINUS_${k}:${v}`;
    if (k === 'JSON') {
      const got = seen.find((l) => l.startsWith('LINUS_JSON:')) ?? '';
      const want = JSON.parse(v) as Record<string, unknown>;
      const have = JSON.parse(got.slice('LINUS_JSON:'.length)) as Record<string, unknown>;
      for (const hidden of Object.keys(HIDDEN_WITH_TWIN)) {
        delete want[hidden.toLowerCase()];
        delete have[hidden.toLowerCase()];
      }
      expect(have).toEqual(want);
    } else if (k in HIDDEN_WITH_TWIN) {
      const twin = HIDDEN_WITH_TWIN[k];
      expect(map[twin], `${k} needs ${twin}`).toBeDefined();
      expect(seen).toContain(`LINUS_${twin}:${map[twin]}`);
    } else {
      expect(seen, `${line} is changed by the redactor`).toContain(line);
    }
  }
  return map;
}

beforeAll(async () => {
  commandOutput = ((await import(pathToFileURL(RESULTS_JS).href)) as { commandOutput: CommandOutput }).commandOutput;
  T = mkdtempSync(join(tmpdir(), 'linus-redact-'));
  const home = join(T, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root@pve', '-f', join(home, '.ssh', 'id_ed25519')]);
  env = {
    PATH: `${SIM_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    PVESIM_DIR: join(T, 'pvesim'),
    LINUS_STATE_DIR: join(T, 'state'),
    LINUS_CACHE_DIR: join(T, 'cache'),
    LINUS_LOCK_DIR: join(T, 'lock'),
    LINUS_POLL_INTERVAL: '0.1',
    LANG: 'C.UTF-8',
  };
  const init = spawnSync(join(SIM_BIN, 'pvesim'), ['init'], { env, encoding: 'utf8' });
  expect(init.status, init.stderr).toBe(0);
}, 60_000);

afterAll(() => {
  if (T) rmSync(T, { recursive: true, force: true });
});

describe('the bundle output through ssh-mcp 2.11 commandOutput', () => {
  it('the built bundle and ssh-mcp 2 are there', () => {
    expect(existsSync(BUNDLE), 'npm run build first').toBe(true);
    expect(existsSync(RESULTS_JS)).toBe(true);
  });

  it('provision --password with a 9-digit VM id: every needed line whole, the hex fingerprint, the warning; the password hidden', () => {
    const r = bundle(['provision', '--name', 'web1', '--vmid', '987654321', '--password']);
    expect(r.exitCode, r.stderr).toBe(0);
    const m = expectAgentSees(r);
    const text = agentText(r);
    expect(m.RESULT).toBe('SUCCESS');
    expect(m.VM_ID).toBe('987654321');
    expect(m.VM_HOST_KEY_SHA256_HEX).toMatch(/^[0-9a-f]{64}$/);
    // the hex is the digest the SHA256: form gives in base64
    expect(Buffer.from(m.VM_HOST_KEY_SHA256_HEX, 'hex').toString('base64').replace(/=+$/, '')).toBe(m.VM_HOST_KEY.replace(/^SHA256:/, ''));
    expect(text).toContain(`LINUS_VM_HOST_KEY_SHA256_HEX:${m.VM_HOST_KEY_SHA256_HEX}`);
    expect(text).toContain(`LINUS_VM_IP:${m.VM_IP}`);
    expect(m.WARNING).toMatch(/accepts only the SSH key of root/);
    for (const k of ['SSH_COMMAND', 'VM_PASSWORD_FILE', 'VM_MAC', 'VM_NAME', 'ELAPSED_SECONDS']) expect(m[k], k).toBeTruthy();
    // the password: never printed; read by an agent (cat FILE), ssh-mcp 2 hides it
    const pw = readFileSync(m.VM_PASSWORD_FILE, 'utf8').trim();
    expect(pw).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(r.stdout + r.stderr).not.toContain(pw);
    const cat = agentText({ exitCode: 0, stdout: `${pw}\n`, stderr: '' });
    expect(cat).not.toContain(pw);
    expect(cat).toContain('[REDACTED:entropy:32]');
  });

  it('provision --detach, wait, status, list, destroy, preflight: every needed line whole', () => {
    const user = join(T, 'user');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@laptop', '-f', user]);
    const started = bundle(['provision', '--name', 'web2', '--detach', '--ssh-key', readFileSync(`${user}.pub`, 'utf8').trim()]);
    expect(started.exitCode, started.stderr).toBe(0);
    const s = expectAgentSees(started);
    expect(s.RESULT).toBe('STARTED');
    expect(s.JOB).toMatch(/^\d{8}T\d{6}Z-[A-Za-z0-9]{8}$/);
    expect(agentText(started)).toContain(`LINUS_JOB:${s.JOB}`);
    let w: Record<string, string> = {};
    for (let i = 0; i < 20; i++) {
      const wait = bundle(['wait', s.JOB, '--timeout', '30']);
      w = expectAgentSees(wait);
      if (w.RESULT !== 'RUNNING') break;
    }
    expect(w.RESULT).toBe('SUCCESS');
    expect(w.WARNING).toBeUndefined();
    expect(existsSync(s.JOB_LOG)).toBe(true);
    for (const args of [['status', '--name', 'web2'], ['list'], ['preflight'], ['destroy', '--name', 'web2']]) {
      const r = bundle(args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(expectAgentSees(r).RESULT).toBe('SUCCESS');
    }
  });

  it('a failure (unknown storage) and the upload result lines: whole', () => {
    const bad = bundle(['provision', '--name', 'web3', '--storage', 'nosuch']);
    expect(bad.exitCode).not.toBe(0);
    expect(expectAgentSees(bad).RESULT).toBe('FAILURE');
    mkdirSync(join(T, 'remote'));
    const remote = join(T, 'remote', 'linus-provision-proxmox.sh');
    const cli = runCli(['upload', '--max-chars', '5000', '--remote-path', remote]);
    expect(cli.code, cli.stderr).toBe(0);
    let last: CommandResult = { exitCode: null, stdout: '', stderr: '' };
    try {
      for (const cmd of cli.stdout.split('\n').filter((l) => l !== '')) {
        const r = spawnSync('bash', ['-c', cmd], { env, encoding: 'utf8' });
        last = { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
      }
    } finally {
      // a failed upload keeps its staging directory (for re-sent chunks): ours goes
      rmSync(stagingDir(readFileSync(BUNDLE), { remotePath: remote, maxChars: 5000 }), { recursive: true, force: true });
    }
    const sha = createHash('sha256').update(readFileSync(BUNDLE)).digest('hex');
    expect(agentText(last)).toContain(`LINUS_UPLOAD:OK:${sha}`);
    expect(expectAgentSees(last).UPLOAD).toBe(`OK:${sha}`);
  });
});
