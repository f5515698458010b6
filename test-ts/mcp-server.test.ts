// `linus mcp` end to end: the real MCP SDK client (Client + StdioClientTransport) drives
// `node dist/cli.js mcp ...`, which reaches a throwaway OpenSSH server on 127.0.0.1 with the
// system ssh client; that server's sessions have the Proxmox simulator on PATH. Nothing leaves
// this machine; every server and process started here is stopped in afterAll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { spawnSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './helpers/cli.js';
import { startSshd, sshdUnavailable, type Sshd } from './helpers/sshd.js';
import { pvesimWith, simHost } from './helpers/sim-host.js';

const CLI = join(REPO, 'dist', 'cli.js');
const TOOLS = ['destroy_vm', 'list_vms', 'preflight', 'provision_vm', 'vm_status'];

interface Linus {
  client: Client;
  stderr: () => string;
  close: () => Promise<void>;
}

let T = '';
let sshd: Sshd | undefined;
let skipReason = sshdUnavailable();
let simEnv: Record<string, string> = {};
let knownHosts = '';
let remote = '';
let main: Linus | undefined;
const started: Linus[] = [];

function pvesim(args: string[]): string {
  return pvesimWith(simEnv, args);
}

/** `linus mcp` with these extra options, connected to a real client. */
interface StartOptions {
  port?: number;
  knownHosts?: string;
  key?: string;
  remotePath?: string;
}

async function startLinus(extra: string[], o: StartOptions = {}): Promise<Linus> {
  const s = sshd as Sshd;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      CLI, 'mcp', '--host', '127.0.0.1', '--port', String(o.port ?? s.port), '--user', s.user,
      '--key', o.key ?? s.clientKey, '--known-hosts', o.knownHosts ?? knownHosts,
      '--remote-path', o.remotePath ?? remote,
      ...extra,
    ],
    env: { ...getDefaultEnvironment(), HOME: join(T, 'client-home') },
    stderr: 'pipe',
  });
  let log = '';
  transport.stderr?.on('data', (d: Buffer) => { log += d.toString(); });
  const client = new Client({ name: 'linus-mcp-test', version: '0' });
  await client.connect(transport);
  const l: Linus = { client, stderr: () => log, close: () => client.close() };
  started.push(l);
  return l;
}

interface CallOptions {
  onprogress?: (p: Progress) => void;
  signal?: AbortSignal;
}

async function call(
  l: Linus, name: string, args: Record<string, unknown>, opts: CallOptions = {},
): Promise<CallToolResult> {
  const r = await l.client.callTool({ name, arguments: args }, undefined, { timeout: 180_000, ...opts });
  return r as CallToolResult;
}

/** The server's stderr once it matches RE (its log line may arrive just after the result). */
async function logOf(l: Linus, re: RegExp): Promise<string> {
  for (let i = 0; i < 40 && !re.test(l.stderr()); i++) await new Promise((res) => setTimeout(res, 50));
  return l.stderr();
}

const text = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const sc = (r: CallToolResult): Record<string, unknown> => (r.structuredContent ?? {}) as Record<string, unknown>;
/** SSH logins the sshd accepted so far. */
const logins = (): number => ((sshd as Sshd).log().match(/Accepted publickey for/g) ?? []).length;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The LINUS_JSON object in the out file of the job that provisioned NAME. */
function jobJson(name: string): Record<string, unknown> {
  const jobs = join(simEnv.LINUS_STATE_DIR, 'jobs');
  for (const j of readdirSync(jobs)) {
    const out = join(jobs, j, 'out');
    if (!existsSync(out)) continue;
    const line = readFileSync(out, 'utf8').split('\n').find((l) => l.startsWith('LINUS_JSON:'));
    const json = line === undefined ? undefined : (JSON.parse(line.slice(11)) as Record<string, unknown>);
    if (json?.vm_name === name) return json;
  }
  throw new Error(`no job provisioned ${name}`);
}

beforeAll(async () => {
  T = mkdtempSync(join(tmpdir(), 'linus-mcp-server-'));
  if (skipReason !== undefined) return;
  if (!existsSync(CLI)) throw new Error('run npm run build first: dist/cli.js is missing');
  mkdirSync(join(T, 'client-home'));
  mkdirSync(join(T, 'remote'));
  simEnv = simHost(T);
  pvesim(['init']);
  pvesim(['timing', '--cloudinit', '4']);
  try {
    sshd = await startSshd(join(T, 'sshd'), simEnv);
  } catch (err) {
    skipReason = `sshd cannot start: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  knownHosts = join(T, 'known_hosts');
  const hostKey = readFileSync(join(sshd.dir, 'host_key.pub'), 'utf8').trim();
  writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${hostKey}\n`);
  remote = join(T, 'remote', 'linus-provision-proxmox.sh');
  main = await startLinus(['--poll-seconds', '1']);
}, 60_000);

afterAll(async () => {
  for (const l of started) await l.close();
  await sshd?.stop();
  if (T) rmSync(T, { recursive: true, force: true });
});

function skipIfNoSshd(ctx: { skip: (note?: string) => void }): void {
  if (skipReason !== undefined) {
    console.warn(`mcp-server tests skipped: ${skipReason}`);
    ctx.skip(skipReason);
  }
}

describe('linus mcp: tools, schemas, resources', () => {
  it('lists exactly the five tools, each with an input and an output schema and its annotations', async (ctx) => {
    skipIfNoSshd(ctx);
    const { tools } = await (main as Linus).client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    const by = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(t.description).toBeTruthy();
    }
    const p = by.provision_vm.inputSchema.properties as Record<string, Record<string, unknown>>;
    for (const k of ['name', 'cores', 'memory', 'disk', 'os', 'image_url', 'image_sha256', 'node', 'storage',
      'bridge', 'vlan', 'ip', 'gateway', 'dns', 'user', 'ssh_keys', 'vmid', 'template_cache', 'dry_run',
      'reuse_existing', 'keep_on_failure']) {
      expect(p[k], k).toBeDefined();
      expect(p[k].description, k).toBeTruthy();
    }
    expect(p.os.enum).toEqual(['ubuntu-24.04', 'ubuntu-22.04', 'ubuntu-26.04', 'debian-13', 'debian-12', 'rocky-9',
      'rocky-10', 'almalinux-9', 'almalinux-10', 'centos-stream-10', 'fedora-43', 'opensuse-leap-16']);
    expect(p.cores).toMatchObject({ type: 'integer', minimum: 1 });
    expect(p.vlan).toMatchObject({ type: 'integer', minimum: 1, maximum: 4094 });
    expect(p.vmid).toMatchObject({ minimum: 100, maximum: 999999999 });
    expect(p.dry_run.type).toBe('boolean');
    expect(p.ssh_keys.type).toBe('array');
    expect(by.provision_vm.inputSchema.required ?? []).toEqual([]);
    expect((by.provision_vm.outputSchema?.properties as Record<string, unknown>).result).toBeDefined();
    expect(by.destroy_vm.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    for (const t of ['preflight', 'vm_status', 'list_vms']) expect(by[t].annotations?.readOnlyHint, t).toBe(true);
    expect(by.provision_vm.annotations)
      .toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });
  });

  it('offers the catalog and the agent guide as resources', async (ctx) => {
    skipIfNoSshd(ctx);
    const c = (main as Linus).client;
    const { resources } = await c.listResources();
    expect(resources.map((r) => r.uri))
      .toEqual(expect.arrayContaining(['linus://catalog', 'linus://docs/AGENT-GUIDE.md', 'linus://docs/CATALOG.md']));
    const cat = await c.readResource({ uri: 'linus://catalog' });
    type CatalogDoc = { entries: Array<Record<string, string>>; aliases: Record<string, string> };
    const doc = JSON.parse(String((cat.contents[0] as { text: string }).text)) as CatalogDoc;
    expect(doc.entries.find((e) => e.os === 'ubuntu-24.04')).toMatchObject({
      user: 'ubuntu', image_url: 'https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img',
    });
    expect(doc.entries.find((e) => e.os === 'centos-stream-10')?.user).toBe('cloud-user');
    expect(doc.aliases.ubuntu).toBe('ubuntu-24.04');
    const guide = await c.readResource({ uri: 'linus://docs/AGENT-GUIDE.md' });
    const guideText = String((guide.contents[0] as { text: string }).text);
    expect(guideText).toMatch(/linus mcp --host H \[--port P\] --user U --key PATH/);
  });

  it('a typed bad input is refused by the schema: no SSH login, nothing installed', async (ctx) => {
    skipIfNoSshd(ctx);
    const before = logins();
    for (const args of [{ cores: 0 }, { os: 'windows-11' }, { vlan: 5000 }, { memory: 'lots' }, { vmid: 42 }]) {
      const r = await call(main as Linus, 'provision_vm', { name: 'bad1', ...args });
      expect(r.isError, JSON.stringify(args)).toBe(true);
      expect(text(r)).toMatch(/Input validation error/);
    }
    const d = await call(main as Linus, 'destroy_vm', { vmid: 'web1' });
    expect(d.isError).toBe(true);
    expect(logins()).toBe(before);
    expect(existsSync(remote)).toBe(false);
  });

  it("a value the script's own validator refuses: its message, before anything runs on the host", async (ctx) => {
    skipIfNoSshd(ctx);
    const before = logins();
    const r = await call(main as Linus, 'provision_vm', { name: 'web_1' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/not a DNS name/);
    expect(text(r)).toMatch(/nothing ran on the host/);
    for (const tool of ['destroy_vm', 'vm_status']) {
      const d = await call(main as Linus, tool, { name: 'web 1' });
      expect(d.isError).toBe(true);
      expect(text(d), tool).toMatch(/not a DNS name.*nothing ran on the host/);
    }
    const g = await call(main as Linus, 'provision_vm', { name: 'st1', ip: '10.1.2.3/24', gateway: '10.9.9.1' });
    expect(g.isError).toBe(true);
    expect(text(g)).toMatch(/gateway/i);
    expect(logins()).toBe(before);
    expect(existsSync(remote)).toBe(false);
  });
});

describe('linus mcp: the provisioning tools against the simulator', () => {
  it('preflight installs the bundle over SSH (mode 0700, sha256 of dist) and passes', async (ctx) => {
    skipIfNoSshd(ctx);
    const r = await call(main as Linus, 'preflight', {});
    expect(r.isError, text(r)).toBeFalsy();
    expect(sc(r).result).toBe('SUCCESS');
    expect(statSync(remote).mode & 0o777).toBe(0o700);
    expect(readFileSync(remote)).toEqual(readFileSync(join(REPO, 'dist', 'linus-provision-proxmox.sh')));
    expect((await logOf(main as Linus, /installed the bundle/)).match(/installed the bundle/g)).toHaveLength(1);
  });

  it('provision_vm end to end: progress with the step, structuredContent = the LINUS_JSON', async (ctx) => {
    skipIfNoSshd(ctx);
    const progress: Progress[] = [];
    const acceptance = { name: 'web1', cores: 4, memory: '8G', disk: 50, os: 'ubuntu-24.04' };
    const r = await call(main as Linus, 'provision_vm', acceptance, { onprogress: (p) => progress.push(p) });
    expect(r.isError, text(r)).toBeFalsy();
    const s = sc(r);
    expect(s).toMatchObject({
      result: 'SUCCESS', vm_name: 'web1', vm_user: 'ubuntu', vm_os: 'ubuntu-24.04',
      vm_cpu: 4, vm_ram: 8192, vm_disk: 50, ssh_check: 'login',
    });
    expect(s.vm_id).toEqual(expect.any(Number));
    expect(s.vm_ip).toBe(pvesim(['ip', String(s.vm_id)]));
    expect(s).toEqual(jobJson('web1'));
    expect(text(r)).toMatch(/^VM web1 \(id \d+\) is up on node pve: .*log in with: ssh .*ubuntu@[0-9.]+$/);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.some((p) => /step \w+, \d+ s/.test(p.message ?? ''))).toBe(true);
    for (let i = 1; i < progress.length; i++) expect(progress[i].progress).toBeGreaterThan(progress[i - 1].progress);
    // the VM accepts the public key beside --key (no ssh_keys given)
    const conf = JSON.parse(pvesim(['vm', String(s.vm_id)])) as { config: Record<string, string> };
    const blob = readFileSync(`${(sshd as Sshd).clientKey}.pub`, 'utf8').split(' ')[1];
    expect(decodeURIComponent(conf.config.sshkeys)).toContain(blob);
  }, 120_000);

  it("a validator on the host refuses (cores above the node's CPUs): the script's LINUS_ERROR", async (ctx) => {
    skipIfNoSshd(ctx);
    const r = await call(main as Linus, 'provision_vm', { name: 'big1', cores: 99 });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/--cores 99 is more than the 8 CPUs of node 'pve' \(use --cores 1\.\.8\), exit 1/);
    expect(sc(r)).toMatchObject({
      result: 'FAILURE', error_code: 1, error: "--cores 99 is more than the 8 CPUs of node 'pve'",
    });
  }, 60_000);

  it('dry_run with two ssh_keys (one a line on the host) gives DRY_RUN and changes nothing', async (ctx) => {
    skipIfNoSshd(ctx);
    const before = pvesim(['calls', '--mutating', '--count']);
    const keys = [`${(sshd as Sshd).clientKey}.pub`, join(T, 'host-home', '.ssh', 'id_ed25519.pub')]
      .map((f) => readFileSync(f, 'utf8').trim());
    const r = await call(main as Linus, 'provision_vm', { name: 'dry1', dry_run: true, ssh_keys: keys });
    expect(r.isError, text(r)).toBeFalsy();
    expect(sc(r).result).toBe('DRY_RUN');
    expect(pvesim(['calls', '--mutating', '--count'])).toBe(before);
  });

  it('vm_status and list_vms report web1', async (ctx) => {
    skipIfNoSshd(ctx);
    const st = await call(main as Linus, 'vm_status', { name: 'web1' });
    expect(st.isError, text(st)).toBeFalsy();
    expect(sc(st)).toMatchObject({ result: 'SUCCESS', vm_name: 'web1', vm_state: 'running' });
    const id = sc(st).vm_id as number;
    const byId = await call(main as Linus, 'vm_status', { vmid: id });
    expect(sc(byId)).toMatchObject({ vm_name: 'web1', vm_id: id });
    const ls = await call(main as Linus, 'list_vms', {});
    expect(ls.isError, text(ls)).toBeFalsy();
    const vms = sc(ls).vms as Array<Record<string, unknown>>;
    expect(vms.map((v) => v.vm_name)).toContain('web1');
    expect(sc(ls).count).toBe(vms.length);
    const none = await call(main as Linus, 'vm_status', {});
    expect(none.isError).toBe(true);
    expect(text(none)).toMatch(/give vmid or name/);
  });

  it('follow_seconds 0 gives the job; a cancelled call leaves it running; vm_status reports both', async (ctx) => {
    skipIfNoSshd(ctx);
    pvesim(['timing', '--cloudinit', '8']);
    const quick = await call(main as Linus, 'provision_vm', { name: 'bg1', follow_seconds: 0 });
    expect(quick.isError, text(quick)).toBeFalsy();
    expect(sc(quick).result).toBe('RUNNING');
    expect(sc(quick).step).toBe('start');
    const job1 = String(sc(quick).job);
    expect(text(quick)).toContain(`call vm_status with job "${job1}"`);

    const ac = new AbortController();
    let job2 = '';
    const cancelled = call(main as Linus, 'provision_vm', { name: 'cancel1' }, {
      signal: ac.signal,
      onprogress: (p) => {
        const m = /job (\S+) started/.exec(p.message ?? '');
        if (m) {
          job2 = m[1].replace(/;$/, '');
          ac.abort();
        }
      },
    });
    await expect(cancelled).rejects.toThrow();
    expect(job2).toMatch(/^\d{8}T\d{6}Z-[A-Za-z0-9]{8}$/);
    for (const job of [job1, job2]) {
      let s: Record<string, unknown> = {};
      for (let i = 0; i < 60; i++) {
        const r = await call(main as Linus, 'vm_status', { job });
        s = sc(r);
        if (s.result !== 'RUNNING') break;
        expect(text(r)).toMatch(/still running/);
        await new Promise((res) => setTimeout(res, 500));
      }
      expect(s).toMatchObject({ result: 'SUCCESS', vm_name: job === job1 ? 'bg1' : 'cancel1' });
    }
    const st = await call(main as Linus, 'vm_status', { name: 'cancel1' });
    expect(sc(st)).toMatchObject({ vm_state: 'running' });
    expect(await logOf(main as Linus, /request cancelled/)).toMatch(/request cancelled: stopped following job/);
    pvesim(['timing', '--cloudinit', '4']);
  }, 120_000);

  it('destroy_vm removes web1; vm_status then fails with the script\'s message', async (ctx) => {
    skipIfNoSshd(ctx);
    const r = await call(main as Linus, 'destroy_vm', { name: 'web1' });
    expect(r.isError, text(r)).toBeFalsy();
    expect(sc(r)).toMatchObject({ result: 'SUCCESS', vm_name: 'web1', vm_state: 'destroyed' });
    const st = await call(main as Linus, 'vm_status', { name: 'web1' });
    expect(st.isError).toBe(true);
    expect(text(st)).toMatch(/no VM named web1/);
    expect(sc(st)).toMatchObject({ result: 'FAILURE', error_code: 1 });
  });

  it('a --key without its .pub beside it: the VM gets no key of the user, and the result says so', async (ctx) => {
    skipIfNoSshd(ctx);
    const bare = join(T, 'bare_key');
    copyFileSync((sshd as Sshd).clientKey, bare);
    chmodSync(bare, 0o600);
    const l = await startLinus([], { key: bare });
    const r = await call(l, 'provision_vm', { name: 'nokey1' });
    expect(r.isError, text(r)).toBeFalsy();
    expect(text(r)).toMatch(/; warning: the VM accepts only the SSH key of root on the Proxmox host/);
    expect(sc(r).warning).toEqual(expect.any(String));
  }, 60_000);

  it('the bundle was uploaded once: a second server reuses it; a changed file is installed again', async (ctx) => {
    skipIfNoSshd(ctx);
    expect((main as Linus).stderr().match(/installed the bundle/g)).toHaveLength(1);
    const mtime = statSync(remote).mtimeMs;
    const second = await startLinus([]);
    const r = await call(second, 'list_vms', {});
    expect(r.isError, text(r)).toBeFalsy();
    expect(await logOf(second, /already/)).toMatch(/is installed at .* already/);
    expect(second.stderr()).not.toMatch(/installed the bundle/);
    expect(statSync(remote).mtimeMs).toBe(mtime);
    writeFileSync(remote, '#!/bin/bash\necho tampered\n', { mode: 0o700 });
    const again = await call(second, 'list_vms', {});
    expect(again.isError, text(again)).toBeFalsy();
    expect(await logOf(second, /installing it again/)).toMatch(/installing it again/);
    expect(readFileSync(remote)).toEqual(readFileSync(join(REPO, 'dist', 'linus-provision-proxmox.sh')));
  });
});

describe('linus mcp: the host cannot be reached safely', () => {
  it('bad server options: one line on stderr, exit 1, no server', (ctx) => {
    skipIfNoSshd(ctx);
    const s = sshd as Sshd;
    const base = [CLI, 'mcp', '--host', '127.0.0.1', '--user', s.user];
    for (const [extra, msg] of [
      [['--key', join(T, 'no-such-key')], /--key \S+ does not exist/],
      [['--key', s.clientKey, '--port', '70000'], /--port must be a whole number 1 \.\. 65535/],
      [['--key', `${s.clientKey}.pub`], /private key file, not the public one/],
      [['--key', s.clientKey, '--known-hosts', join(T, 'none')], /--known-hosts \S+ does not exist/],
      [['--key', s.clientKey, '--poll-seconds', '0'], /--poll-seconds must be a whole number 1 \.\. 30/],
      [['--key', s.clientKey, '--remote-path', 'relative.sh'], /--remote-path must be absolute/],
    ] as Array<[string[], RegExp]>) {
      const r = spawnSync(process.execPath, [...base, ...extra], { encoding: 'utf8', timeout: 30_000, input: '' });
      expect(r.status, extra.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(msg);
    }
  });

  it('an unknown host key (not in known_hosts), a key the host refuses: clear errors, no login', async (ctx) => {
    skipIfNoSshd(ctx);
    const empty = join(T, 'known_hosts_empty');
    writeFileSync(empty, '');
    const before = logins();
    const unknown = await startLinus([], { knownHosts: empty });
    const r = await call(unknown, 'list_vms', {});
    expect(r.isError).toBe(true);
    expect(text(r))
      .toMatch(/^host key verification failed for \S+: its key is not in \S+known_hosts_empty; nothing ran/);
    const stranger = join(T, 'stranger_key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const denied = await startLinus([], { key: stranger });
    const d = await call(denied, 'list_vms', {});
    expect(d.isError).toBe(true);
    expect(text(d)).toMatch(/refused the login \(permission denied\) with the key \S+stranger_key; nothing ran$/);
    expect(logins()).toBe(before);
  });

  it('a remote path the user cannot write: the install fails, the script does not run', async (ctx) => {
    skipIfNoSshd(ctx);
    const l = await startLinus([], { remotePath: join(T, 'no-such-dir', 'linus.sh') });
    const r = await call(l, 'list_vms', {});
    expect(r.isError).toBe(true);
    expect(text(r))
      .toMatch(/^cannot install the script at \S+no-such-dir\/linus\.sh on 127\.0\.0\.1: cannot write beside/);
    const both = await call(l, 'destroy_vm', { vmid: 100, name: 'web1' });
    expect(both.isError).toBe(true);
    expect(text(both)).toMatch(/give vmid or name, not both/);
    const jobAndName = await call(l, 'vm_status', { job: '20261204T175803Z-xNAdNIp6', name: 'web1' });
    expect(text(jobAndName)).toMatch(/give job, or vmid or name, not both/);
  });

  it('a closed port: a clear error, nothing ran', async (ctx) => {
    skipIfNoSshd(ctx);
    const l = await startLinus([], { port: await freePort() });
    const r = await call(l, 'list_vms', {});
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^cannot reach \S+@127\.0\.0\.1:\d+: connection refused .*nothing ran$/);
  });

  it('a host key other than the known one: host key verification failed, no login', async (ctx) => {
    skipIfNoSshd(ctx);
    const other = join(T, 'other_key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const kh = join(T, 'known_hosts_other');
    writeFileSync(kh, `[127.0.0.1]:${(sshd as Sshd).port} ${readFileSync(`${other}.pub`, 'utf8').trim()}\n`);
    const before = logins();
    const l = await startLinus([], { knownHosts: kh });
    const r = await call(l, 'preflight', {});
    expect(r.isError).toBe(true);
    expect(text(r))
      .toMatch(/^host key verification failed for \S+@127\.0\.0\.1:\d+: the host's key differs .*nothing ran/);
    expect(logins()).toBe(before);
  });
});
