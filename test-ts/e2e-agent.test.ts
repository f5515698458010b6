// The agent path end to end, with real parts: a throwaway OpenSSH server on 127.0.0.1 whose
// sessions see the Proxmox simulator, the real ssh-mcp 2.11 server started from the profile
// `linus mcp-config` writes (a 20 s command timeout), the real MCP client. The bundle reaches
// the host through sftp-upload-file (no script bytes through the model); a detached provision
// that lasts longer than one tool call is followed with `wait` calls that each end before the
// server's timeout; the result lines reach the agent whole through ssh-mcp's redactor. A second
// host without the simulator (real curl, xz) takes the other upload ways: --from-url from an
// HTTP server on 127.0.0.1, and the chunk lines with a corrupted or a missing line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runCli } from './helpers/cli.js';
import { startSshd, sshdUnavailable, type Sshd } from './helpers/sshd.js';
import { pvesimWith, simHost } from './helpers/sim-host.js';
import { linusMap, startSshMcp, type McpSession, type ToolResult } from './helpers/mcp.js';
import { stagingDir } from '../build/upload/index.js';

const BUNDLE = join(REPO, 'dist', 'linus-provision-proxmox.sh');
/** ssh-mcp's per-command timeout in the profile: shorter than the provision below. */
const SERVER_TIMEOUT_MS = 20_000;
/** Simulated cloud-init run of each VM: the provision lasts longer than one tool call may. */
const CLOUD_INIT_S = 25;

let T = '';
let sshd: Sshd | undefined;
let mcp: McpSession | undefined;
let skipReason = sshdUnavailable();
let simEnv: Record<string, string> = {};
let clientHome = '';
let sftpCall: { localPath: string; remotePath: string; overwrite: boolean } | undefined;
let remote = '';
/** A second host without the simulator (real curl on PATH) for the upload ways, at --max-chars 5000. */
let sshd2: Sshd | undefined;
let mcp2: McpSession | undefined;
let http: Server | undefined;
let baseUrl = '';
const MAX_CHARS = 5000;
const staged: string[] = [];

/** One linus CLI call on the agent's machine (its settings in clientHome); stdout lines. */
function linus(args: string[]): string[] {
  const r = runCli(args, { env: { ...process.env, HOME: clientHome } });
  expect(r.code, `linus ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** A simulator control command, run here with the environment the SSH sessions get. */
function pvesim(args: string[]): string {
  return pvesimWith(simEnv, args);
}

/** The exec tool with one command line, given a client budget well above the server's timeout. */
async function send(command: string): Promise<ToolResult> {
  expect(command).not.toMatch(/[\r\n]/);
  return (mcp as McpSession).run(command, SERVER_TIMEOUT_MS + 60_000);
}

/** Asserts the server let the command finish: no timeout, an exit line of the run line. */
function expectNotKilled(r: ToolResult): void {
  expect(r.text).not.toMatch(/timed out after/i);
  expect(r.text).not.toMatch(/\[killed by SIG/);
  expect(r.text).toMatch(/^LINUS_EXIT:\d+$/m);
}

beforeAll(async () => {
  T = mkdtempSync(join(tmpdir(), 'linus-e2e-agent-'));
  if (skipReason !== undefined) return;
  simEnv = simHost(T);
  pvesim(['init']);
  pvesim(['timing', '--cloudinit', String(CLOUD_INIT_S)]);
  try {
    sshd = await startSshd(join(T, 'sshd'), simEnv);
  } catch (err) {
    skipReason = `sshd cannot start: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  mkdirSync(join(T, 'remote'));
  remote = join(T, 'remote', 'linus-provision-proxmox.sh');
  // The transfer root holds this build (a directory of the test's own, not dist/).
  const root = join(T, 'transfer');
  mkdirSync(root, { mode: 0o700 });
  copyFileSync(BUNDLE, join(root, 'linus-provision-proxmox.sh'));
  clientHome = join(T, 'client-home');
  mkdirSync(clientHome);
  const r = runCli([
    'mcp-config', '--client', 'claude-code', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user,
    '--key', sshd.clientKey, '--timeout-ms', String(SERVER_TIMEOUT_MS), '--profile-dir', join(T, 'prof'),
    '--transfer-root', root, '--write-profile',
  ], { env: { ...process.env, HOME: clientHome } });
  expect(r.code, r.stderr).toBe(0);
  sftpCall = JSON.parse(/sftp-upload-file: (\{.*\})\n/.exec(r.stderr)?.[1] ?? 'null') as typeof sftpCall;
  const entry = (JSON.parse(r.stdout) as { mcpServers: Record<string, { args: string[] }> }).mcpServers['linus-pve'];
  mcp = await startSshMcp(entry.args.slice(3), join(T, 'mcp-home'));
  // The second host: the real tools (curl, xz, sha256sum...), no simulator.
  try {
    sshd2 = await startSshd(join(T, 'sshd2'), { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: join(T, 'host2-home'), LANG: 'C.UTF-8' });
  } catch (err) {
    skipReason = `the second sshd cannot start: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  mkdirSync(join(T, 'host2-home'));
  mkdirSync(join(T, 'remote2'));
  const r2 = runCli([
    'mcp-config', '--client', 'claude-code', '--host', '127.0.0.1', '--port', String(sshd2.port), '--user', sshd2.user,
    '--key', sshd2.clientKey, '--timeout-ms', String(SERVER_TIMEOUT_MS), '--max-chars', String(MAX_CHARS),
    '--profile-dir', join(T, 'prof2'), '--write-profile',
  ], { env: { ...process.env, HOME: join(T, 'client2-home') } });
  expect(r2.code, r2.stderr).toBe(0);
  const entry2 = (JSON.parse(r2.stdout) as { mcpServers: Record<string, { args: string[] }> }).mcpServers['linus-pve'];
  mcp2 = await startSshMcp(entry2.args.slice(3), join(T, 'mcp2-home'));
  // The release server: the bundle on 127.0.0.1, anything else 404.
  const body = readFileSync(BUNDLE);
  http = createServer((req, res) => {
    if (req.url === '/v/linus-provision-proxmox.sh') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    } else {
      res.writeHead(404);
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await mcp?.close();
  await sshd?.stop();
  await mcp2?.close();
  await sshd2?.stop();
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  // a failed chunk upload keeps its staging directory (for re-sent lines): ours go
  for (const d of staged) rmSync(d, { recursive: true, force: true });
  if (T) rmSync(T, { recursive: true, force: true });
});

function skipIfNoSshd(ctx: { skip: (note?: string) => void }): void {
  if (skipReason !== undefined) {
    console.warn(`e2e skipped: ${skipReason}`);
    ctx.skip(skipReason);
  }
}

describe('the agent path through ssh-mcp 2.11 (sftp upload, detached provision, wait, redaction)', () => {
  it('sftp-upload-file sends the bundle, then the run-command line checks its sha256 and runs it', async (ctx) => {
    skipIfNoSshd(ctx);
    const m = mcp as McpSession;
    expect(m.tools).toEqual(expect.arrayContaining(['run-command', 'sftp-upload-file']));
    expect(sftpCall?.localPath).toBe(join(T, 'transfer', 'linus-provision-proxmox.sh'));
    const up = await m.call('sftp-upload-file', { ...sftpCall, remotePath: remote });
    expect(up.isError, up.text).toBe(false);
    const sha = createHash('sha256').update(readFileSync(BUNDLE)).digest('hex');
    expect(createHash('sha256').update(readFileSync(remote)).digest('hex')).toBe(sha);
    const [line, ...rest] = linus(['run-command', '--remote-path', remote, '--', 'preflight']);
    expect(rest).toEqual([]);
    const r = await send(line);
    expectNotKilled(r);
    expect(linusMap(r.text)).toMatchObject({ RESULT: 'SUCCESS', EXIT: '0' });
  });

  it('the server does stop a command at its timeout (what a foreground provision would meet)', async (ctx) => {
    skipIfNoSshd(ctx);
    const r = await send(`sleep ${Math.ceil(SERVER_TIMEOUT_MS / 1000) + 15}; echo LINUS_EXIT:0`);
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(new RegExp(`timed out after ${SERVER_TIMEOUT_MS}ms`));
  }, SERVER_TIMEOUT_MS + 60_000);

  it('a detached provision (provision-cmd default) and wait calls, each under the timeout; the result lines reach the agent whole', async (ctx) => {
    skipIfNoSshd(ctx);
    const [line] = linus(['provision-cmd', '--remote-path', remote, '--name', 'agent1']);
    expect(line).toMatch(/ --detach;/);
    const start = await send(line);
    expectNotKilled(start);
    const started = linusMap(start.text);
    expect(started.RESULT, start.text).toBe('STARTED');
    expect(started.JOB).toMatch(/^\d{8}T\d{6}Z-[A-Za-z0-9]{8}$/);
    // the job id the agent sees is the job's directory on the host
    expect(existsSync(join(simEnv.LINUS_STATE_DIR, 'jobs', started.JOB, 'pid'))).toBe(true);
    expect(existsSync(started.JOB_LOG)).toBe(true);
    let m: Record<string, string> = {};
    let text = '';
    let running = 0;
    for (let i = 0; i < 40; i++) {
      // the wait line provision-cmd told the agent to send (wait --timeout fits the timeout)
      const [wait] = linus(['run-command', '--remote-path', remote, '--', 'wait', started.JOB, '--timeout', '10']);
      const r = await send(wait);
      expectNotKilled(r);
      text = r.text;
      m = linusMap(text);
      if (m.RESULT !== 'RUNNING') break;
      running++;
      expect(m.JOB).toBe(started.JOB);
      expect(m.STEP).toBeTruthy();
    }
    expect(m, text).toMatchObject({ RESULT: 'SUCCESS', VM_NAME: 'agent1', EXIT: '0', SSH_CHECK: 'login' });
    // the job outlasted at least one call: without --detach the server would have stopped it
    expect(running).toBeGreaterThan(0);
    expect(Number(m.ELAPSED_SECONDS)).toBeGreaterThan(SERVER_TIMEOUT_MS / 1000);
    // what the agent reads is exact: the IP, the hex fingerprint of the VM's host key
    const ip = pvesim(['ip', m.VM_ID]);
    expect(text).toMatch(new RegExp(`^LINUS_VM_IP:${ip.replace(/\./g, '\\.')}$`, 'm'));
    const blob = pvesim(['host-key', m.VM_ID]).split(' ')[1];
    const hex = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('hex');
    expect(text).toMatch(new RegExp(`^LINUS_VM_HOST_KEY_SHA256_HEX:${hex}$`, 'm'));
    const json = JSON.parse(m.JSON) as Record<string, unknown>;
    expect(json).toMatchObject({ vm_ip: ip, vm_host_key_sha256_hex: hex, vm_name: 'agent1' });
    expect(text).toContain(`LINUS_SSH_COMMAND:${m.SSH_COMMAND}`);
    expect(m.SSH_COMMAND).toMatch(/^ssh -i \S+ -o UserKnownHostsFile=\S+ ubuntu@[0-9.]+$/);
    // provision-cmd added the user's key (the .pub beside mcp-config --key): no warning
    expect(m.WARNING).toBeUndefined();
    const conf = JSON.parse(pvesim(['vm', m.VM_ID])) as { config: Record<string, string> };
    const userBlob = readFileSync(`${sshd?.clientKey}.pub`, 'utf8').split(' ')[1];
    expect(decodeURIComponent(conf.config.sshkeys)).toContain(userBlob);
  }, 300_000);

  it('without the user key the warning line reaches the agent whole', async (ctx) => {
    skipIfNoSshd(ctx);
    const [line] = linus(['run-command', '--remote-path', remote, '--', 'provision', '--name', 'agent2', '--dry-run']);
    const r = await send(line);
    expectNotKilled(r);
    const m = linusMap(r.text);
    expect(m.RESULT, r.text).toBe('DRY_RUN');
    expect(m.WARNING).toMatch(/^the VM accepts only the SSH key of root on the Proxmox host \(\S+\), not yours; .*--ssh-key.*linus provision-cmd/);
    for (const l of r.text.split('\n').filter((x) => x.startsWith('LINUS_'))) expect(l).not.toMatch(/REDACTED/);
  });

});

describe('the other upload ways through ssh-mcp 2.11 (--from-url, chunk lines at --max-chars 5000)', () => {
  const sha = (): string => createHash('sha256').update(readFileSync(BUNDLE)).digest('hex');
  const send2 = async (command: string): Promise<ToolResult> => {
    expect(command).not.toMatch(/[\r\n]/);
    expect(command.length).toBeLessThanOrEqual(MAX_CHARS);
    const r = await (mcp2 as McpSession).run(command, SERVER_TIMEOUT_MS + 60_000);
    expect(r.text).not.toMatch(/timed out after/i);
    return r;
  };
  const upload = (m: Record<string, string>): string => m.UPLOAD ?? '';
  /** The chunk lines one by one, as an agent with a capped shell output fetches them (--count, --line K). */
  function chunkLines(target: string): string[] {
    const args = ['upload', '--max-chars', String(MAX_CHARS), '--remote-path', target];
    const [count] = linus([...args, '--count']);
    const n = Number(count);
    expect(n).toBeGreaterThan(2);
    const lines = Array.from({ length: n }, (_, i) => linus([...args, '--line', String(i + 1)])[0]);
    expect(lines).toEqual(linus(args));
    staged.push(stagingDir(readFileSync(BUNDLE), { remotePath: target, maxChars: MAX_CHARS }));
    return lines;
  }
  /** One character of the longest base64 run of a line flipped (a copy slip of a model). */
  function corrupt(line: string): string {
    const runs = line.match(/[A-Za-z0-9+/=]{40,}/g) ?? [];
    const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
    expect(longest.length).toBeGreaterThan(40);
    const at = line.indexOf(longest) + Math.floor(longest.length / 2);
    return line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
  }

  it('--from-url: one line, the host fetches the release from 127.0.0.1 and installs it; then the run line runs it', async (ctx) => {
    skipIfNoSshd(ctx);
    const target = join(T, 'remote2', 'from-url.sh');
    const [line, ...rest] = linus(['upload', '--from-url', `${baseUrl}/v/linus-provision-proxmox.sh`, '--remote-path', target]);
    expect(rest).toEqual([]);
    expect(line.length).toBeLessThan(1000);
    const r = await send2(line);
    expect(upload(linusMap(r.text)), r.text).toBe(`OK:${sha()}`);
    expect(createHash('sha256').update(readFileSync(target)).digest('hex')).toBe(sha());
    const [run] = linus(['run-command', '--remote-path', target, '--', '--version']);
    const v = await send2(run);
    expect(linusMap(v.text).EXIT, v.text).toBe('0');
    // a wrong URL (404): FAILED, nothing installed
    const missing = join(T, 'remote2', 'from-404.sh');
    const [bad] = linus(['upload', '--from-url', `${baseUrl}/nope/linus-provision-proxmox.sh`, '--remote-path', missing]);
    const b = await send2(bad);
    expect(upload(linusMap(b.text)), b.text).toMatch(/^FAILED:/);
    expect(existsSync(missing)).toBe(false);
  });

  it('chunk lines with one corrupted: that line fails at once naming itself; only it is re-sent, then OK', async (ctx) => {
    skipIfNoSshd(ctx);
    const target = join(T, 'remote2', 'chunks-corrupt.sh');
    const lines = chunkLines(target);
    const n = lines.length;
    const k = Math.ceil(n / 2);
    const sent: number[] = [];
    const results: string[] = [];
    for (let i = 1; i <= n; i++) {
      const r = await send2(i === k ? corrupt(lines[i - 1]) : lines[i - 1]);
      sent.push(i);
      results.push(upload(linusMap(r.text)));
    }
    expect(results[k - 1]).toBe(`FAILED:chunk ${k} corrupt: re-send line ${k}`);
    for (let i = 1; i < n; i++) if (i !== k) expect(results[i - 1]).toBe(`CHUNK:${i}/${n}`);
    expect(results[n - 1]).toBe(`FAILED:missing chunks ${k}: re-send lines ${k}, then this line`);
    expect(existsSync(target)).toBe(false);
    // what the last line asked for: line k, then the last line again
    const again = await send2(lines[k - 1]);
    expect(upload(linusMap(again.text))).toBe(`CHUNK:${k}/${n}`);
    const done = await send2(lines[n - 1]);
    sent.push(k, n);
    expect(upload(linusMap(done.text)), done.text).toBe(`OK:${sha()}`);
    expect(sent.length).toBe(n + 2);
    expect(createHash('sha256').update(readFileSync(target)).digest('hex')).toBe(sha());
  });

  it('chunk lines with one missing: the last line names it; that line and the last again give OK', async (ctx) => {
    skipIfNoSshd(ctx);
    const target = join(T, 'remote2', 'chunks-missing.sh');
    const lines = chunkLines(target);
    const n = lines.length;
    const j = 2;
    let last = '';
    for (let i = 1; i <= n; i++) {
      if (i === j) continue;
      last = upload(linusMap((await send2(lines[i - 1])).text));
    }
    expect(last).toBe(`FAILED:missing chunks ${j}: re-send lines ${j}, then this line`);
    expect(existsSync(target)).toBe(false);
    expect(upload(linusMap((await send2(lines[j - 1])).text))).toBe(`CHUNK:${j}/${n}`);
    expect(upload(linusMap((await send2(lines[n - 1])).text))).toBe(`OK:${sha()}`);
    expect(createHash('sha256').update(readFileSync(target)).digest('hex')).toBe(sha());
  });
});
