// End to end with real parts: a throwaway OpenSSH server on 127.0.0.1, the real ssh-mcp 2
// server started from the entry `linus mcp-config` prints, the real MCP client, the real
// bundle, and the Proxmox simulator on PATH of the SSH session. Every step is what
// docs/AGENT-GUIDE.md tells an agent to do, in the same order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, runCli } from './helpers/cli.js';
import { startSshd, sshdUnavailable, type Sshd } from './helpers/sshd.js';
import { linusLines, linusMap, startSshMcp, type McpSession, type ToolResult } from './helpers/mcp.js';
import { stagingDir } from '../build/upload/index.js';

const BUNDLE = join(REPO, 'dist', 'linus-provision-proxmox.sh');
const SIM_BIN = join(REPO, 'test-bats', 'sim', 'bin');

let T = '';
let sshd: Sshd | undefined;
let skipReason = sshdUnavailable();
const servers: McpSession[] = [];
let mcp5000: McpSession;
let mcp1000: McpSession;
let remote = '';

/** One linus CLI call; its stdout lines (fails the test on a non-zero exit). */
function linus(args: string[]): string[] {
  const r = runCli(args);
  expect(r.code, `linus ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** The exec tool call of an MCP client, with the checks every call gets. */
async function send(m: McpSession, command: string, timeoutMs?: number): Promise<ToolResult> {
  expect(command).not.toMatch(/[\r\n]/);
  return m.run(command, timeoutMs);
}

/** Sends the upload commands in order; the result of the last one. */
async function upload(m: McpSession, commands: string[]): Promise<ToolResult[]> {
  const results: ToolResult[] = [];
  for (const c of commands) results.push(await send(m, c));
  return results;
}

/** The client entry `linus mcp-config` prints for Claude Code, with its profile written. */
function entryArgs(maxChars: string, profileDir: string): string[] {
  const r = runCli([
    'mcp-config', '--client', 'claude-code', '--host', '127.0.0.1', '--port', String(sshd?.port),
    '--user', sshd?.user ?? 'root', '--key', sshd?.clientKey ?? '', '--max-chars', maxChars,
    '--timeout-ms', '120000', '--profile-dir', profileDir, '--write-profile',
  ], { env: { ...process.env, HOME: join(T, 'client-home') } });
  expect(r.code, r.stderr).toBe(0);
  const entry = (JSON.parse(r.stdout) as { mcpServers: Record<string, { command: string; args: string[] }> }).mcpServers['linus-pve'];
  expect(entry.command).toBe('npx');
  expect(entry.args.slice(0, 3)).toEqual(['-y', 'ssh-mcp@2', '--']);
  return entry.args.slice(3);
}

beforeAll(async () => {
  T = mkdtempSync(join(tmpdir(), 'linus-e2e-'));
  if (skipReason !== undefined) return;
  const home = join(T, 'host-home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  // The host root's own key, which the bundle adds to the VM to prove the SSH login.
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519')]);
  const simDir = join(T, 'pvesim');
  const env: Record<string, string> = {
    PATH: `${SIM_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: home,
    PVESIM_DIR: simDir,
    LINUS_STATE_DIR: join(T, 'state'),
    LINUS_CACHE_DIR: join(T, 'cache'),
    LINUS_LOCK_DIR: join(T, 'lock'),
    LINUS_POLL_INTERVAL: '0.1',
    LANG: 'C.UTF-8',
  };
  if (existsSync(join(SIM_BIN, 'pvesim'))) {
    const init = spawnSync(join(SIM_BIN, 'pvesim'), ['init'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(init.status, `pvesim init: ${init.stderr}`).toBe(0);
  }
  try {
    sshd = await startSshd(join(T, 'sshd'), env);
  } catch (err) {
    skipReason = `sshd cannot start: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  remote = join(T, 'remote', 'linus-provision-proxmox.sh');
  mkdirSync(join(T, 'remote'));
  mcp5000 = await startSshMcp(entryArgs('5000', join(T, 'prof-5000')), join(T, 'mcp-home-5000'));
  servers.push(mcp5000);
  mcp1000 = await startSshMcp(entryArgs('1000', join(T, 'prof-1000')), join(T, 'mcp-home-1000'));
  servers.push(mcp1000);
}, 60_000);

afterAll(async () => {
  for (const s of servers) await s.close();
  await sshd?.stop();
  if (T) rmSync(T, { recursive: true, force: true });
});

function skipIfNoSshd(ctx: { skip: (note?: string) => void }): void {
  if (skipReason !== undefined) {
    console.warn(`e2e skipped: ${skipReason}`);
    ctx.skip(skipReason);
  }
}

describe('agent sequence through ssh-mcp 2 (docs/AGENT-GUIDE.md)', () => {
  it('step 1: the server from the generated entry offers run-command and enforces its limit', async (ctx) => {
    skipIfNoSshd(ctx);
    expect(mcp5000.tools).toContain('run-command');
    const ok = await send(mcp5000, 'echo ok');
    expect(ok.text).toMatch(/^ok$/m);
    expect(ok.isError).toBe(false);
    const tooLong = await send(mcp1000, `echo ${'x'.repeat(1000)}`);
    expect(tooLong.isError).toBe(true);
    expect(tooLong.text).toMatch(/too long/i);
  });

  it('step 2: upload at max-chars 5000 gives LINUS_UPLOAD:OK with the bundle sha256, without approval prompts', async (ctx) => {
    skipIfNoSshd(ctx);
    const sha = createHash('sha256').update(readFileSync(BUNDLE)).digest('hex');
    const cmds = linus(['upload', '--max-chars', '5000', '--remote-path', remote]);
    for (const c of cmds) expect(c.length).toBeLessThanOrEqual(5000);
    const results = await upload(mcp5000, cmds);
    const last = results[results.length - 1];
    expect(last.isError, last.text).toBe(false);
    expect(linusMap(last.text).UPLOAD).toBe(`OK:${sha}`);
    for (const r of results.slice(0, -1)) expect(r.isError, r.text).toBe(false);
    expect(createHash('sha256').update(readFileSync(remote)).digest('hex')).toBe(sha);
    expect(mcp5000.elicitations()).toBe(0);
  });

  it('step 2 again at max-chars 1000 (ssh-mcp 1 default limit)', async (ctx) => {
    skipIfNoSshd(ctx);
    const path1000 = join(T, 'remote', 'via-1000.sh');
    const cmds = linus(['upload', '--max-chars', '1000', '--remote-path', path1000]);
    for (const c of cmds) expect(c.length).toBeLessThanOrEqual(1000);
    const results = await upload(mcp1000, cmds);
    const last = results[results.length - 1];
    expect(linusMap(last.text).UPLOAD, last.text).toMatch(/^OK:[0-9a-f]{64}$/);
    expect(mcp1000.elicitations()).toBe(0);
  });

  it('a corrupted chunk gives LINUS_UPLOAD:FAILED and installs nothing', async (ctx) => {
    skipIfNoSshd(ctx);
    const bad = join(T, 'remote', 'corrupt.sh');
    const cmds = linus(['upload', '--max-chars', '5000', '--remote-path', bad]);
    expect(cmds.length).toBeGreaterThan(1);
    // Flip one character in the middle of the longest base64 run of the chunk commands.
    let best = { cmd: -1, at: 0, len: 0 };
    cmds.slice(0, -1).forEach((c, ci) => {
      for (const m of c.matchAll(/[A-Za-z0-9+/]{40,}/g)) {
        if (m[0].length > best.len) best = { cmd: ci, at: (m.index ?? 0) + Math.floor(m[0].length / 2), len: m[0].length };
      }
    });
    expect(best.cmd).toBeGreaterThanOrEqual(0);
    const c = cmds[best.cmd];
    const corrupted = [...cmds];
    corrupted[best.cmd] = c.slice(0, best.at) + (c[best.at] === 'A' ? 'B' : 'A') + c.slice(best.at + 1);
    const results = await upload(mcp5000, corrupted);
    const statuses = results.flatMap((r) => linusLines(r.text).filter(([k]) => k === 'UPLOAD').map(([, v]) => v));
    expect(statuses.some((s) => s.startsWith('FAILED')), results.map((r) => r.text).join('\n---\n')).toBe(true);
    expect(statuses.some((s) => s.startsWith('OK'))).toBe(false);
    expect(results[results.length - 1].isError).toBe(true);
    expect(existsSync(bad)).toBe(false);
    const check = await send(mcp5000, `test -e ${bad} && echo present || echo absent`);
    expect(check.text).toMatch(/^absent$/m);
    // A failed upload keeps its staging directory (for re-sent chunks): remove ours.
    rmSync(stagingDir(readFileSync(BUNDLE), { remotePath: bad, maxChars: 5000 }), { recursive: true, force: true });
  });

  it('step 3: preflight through the run line', async (ctx) => {
    skipIfNoSshd(ctx);
    const [line, ...rest] = linus(['run-command', '--remote-path', remote, '--', 'preflight']);
    expect(rest).toEqual([]);
    const r = await send(mcp5000, line);
    const m = linusMap(r.text);
    expect(m.EXIT, r.text).toBe('0');
    expect(m.RESULT).toBe('SUCCESS');
    expect(r.isError).toBe(false);
  });

  it('step 4: a --dry-run provision of the acceptance VM', async (ctx) => {
    skipIfNoSshd(ctx);
    const [line] = linus(['provision-cmd', '--remote-path', remote, '--name', 'web1', '--cores', '4', '--memory', '8G', '--disk', '50G', '--os', 'ubuntu-24.04', '--dry-run']);
    const r = await send(mcp5000, line);
    const m = linusMap(r.text);
    expect(m.RESULT, r.text).toBe('DRY_RUN');
    expect(m.EXIT).toBe('0');
  });

  it('step 5: the full provision of web1, parsed from the LINUS_* lines', async (ctx) => {
    skipIfNoSshd(ctx);
    const [line] = linus(['provision-cmd', '--foreground', '--remote-path', remote, '--name', 'web1', '--cores', '4', '--memory', '8G', '--disk', '50G', '--os', 'ubuntu-24.04']);
    const r = await send(mcp5000, line, 180_000);
    const lines = linusLines(r.text);
    const keys = lines.map(([k]) => k);
    expect(keys.slice(0, 10), r.text).toEqual(['RESULT', 'VM_ID', 'VM_IP', 'VM_USER', 'VM_NAME', 'VM_OS', 'VM_CPU', 'VM_RAM', 'VM_DISK', 'VM_NODE']);
    const m = linusMap(r.text);
    expect(m).toMatchObject({ RESULT: 'SUCCESS', VM_USER: 'ubuntu', VM_NAME: 'web1', VM_OS: 'ubuntu-24.04', VM_CPU: '4', VM_RAM: '8192', VM_DISK: '50', EXIT: '0' });
    expect(m.VM_ID).toMatch(/^[1-9][0-9]{2,8}$/);
    expect(m.VM_IP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // What the guide tells the agent to report besides ssh USER@IP.
    expect(m.SSH_CHECK, r.text).toBe('login');
    expect(m.VM_HOST_KEY).toMatch(/SHA256:/);
    // The JSON line holds the same fields; it is the last protocol line of the run itself.
    expect(keys[keys.length - 1]).toBe('EXIT');
    expect(keys[keys.length - 2]).toBe('JSON');
    const json = JSON.parse(m.JSON) as Record<string, unknown>;
    expect(json).toMatchObject({ result: 'SUCCESS', vm_name: 'web1', vm_ip: m.VM_IP, vm_user: 'ubuntu' });
    expect(String(json.vm_id)).toBe(m.VM_ID);
    expect(r.isError).toBe(false);
  });

  it('step 5 with --detach, then wait JOB until it is done', async (ctx) => {
    skipIfNoSshd(ctx);
    const [line] = linus(['provision-cmd', '--remote-path', remote, '--name', 'web2', '--detach']);
    const res = await send(mcp5000, line);
    const started = linusMap(res.text);
    expect(started.RESULT, res.text).toBe('STARTED');
    expect(started.JOB).toMatch(/^\S+$/);
    let m: Record<string, string> = {};
    for (let i = 0; i < 30; i++) {
      const [wait] = linus(['run-command', '--remote-path', remote, '--', 'wait', started.JOB, '--timeout', '20']);
      m = linusMap((await send(mcp5000, wait)).text);
      if (m.RESULT !== 'RUNNING') break;
      expect(m.STEP).toBeTruthy();
    }
    expect(m).toMatchObject({ RESULT: 'SUCCESS', VM_NAME: 'web2', EXIT: '0' });
  });

  it('a failure comes back as FAILURE lines with the exit code (web1 exists: code 7)', async (ctx) => {
    skipIfNoSshd(ctx);
    const [line] = linus(['provision-cmd', '--foreground', '--remote-path', remote, '--name', 'web1']);
    const r = await send(mcp5000, line);
    const m = linusMap(r.text);
    expect(m).toMatchObject({ RESULT: 'FAILURE', ERROR_CODE: '7', EXIT: '7', CLEANUP: 'none' });
    expect(m.REMEDIATION).toBeTruthy();
  });
});
