// `linus mcp-config`: every output parsed with a real JSON or TOML parser, every field checked;
// the ssh-mcp 2 profile is loaded by ssh-mcp's own loader (modes + schema).
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { runCli, REPO } from './helpers/cli.js';

let dir = '';
let key = '';
let home = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'linus-mcpcfg-'));
  key = join(dir, 'id_ed25519');
  writeFileSync(key, 'not a real key\n', { mode: 0o600 });
  home = join(dir, 'home');
  mkdirSync(home);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (): NodeJS.ProcessEnv => ({ ...process.env, HOME: home });
const base = (): string[] => ['mcp-config', '--host', '10.0.0.5', '--user', 'root', '--key', key];

type Obj = Record<string, unknown>;
function entryOf(doc: Obj, table: string, name = 'linus-pve'): Obj {
  const servers = doc[table] as Obj;
  expect(Object.keys(servers)).toEqual([name]);
  return servers[name] as Obj;
}

const V1_ARGS = (k: string, timeout = 120000, maxChars = 'none'): string[] => [
  '-y', 'ssh-mcp@1', '--', '--host=10.0.0.5', '--port=22', '--user=root', `--key=${k}`, `--timeout=${timeout}`, `--maxChars=${maxChars}`,
];

describe('mcp-config, ssh-mcp 1 (flags with =)', () => {
  it('claude-code: .mcp.json', () => {
    const r = runCli([...base(), '--client', 'claude-code', '--ssh-mcp', '1'], { env: env() });
    expect(r.code).toBe(0);
    const e = entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers');
    expect(e).toEqual({ type: 'stdio', command: 'npx', args: V1_ARGS(key), env: {} });
    expect(r.stderr).toMatch(/MCP_TOOL_TIMEOUT=150000/);
  });
  it('claude-desktop', () => {
    const r = runCli([...base(), '--client', 'claude-desktop', '--ssh-mcp', '1', '--port', '2222', '--timeout-ms', '30000', '--max-chars', '1000'], { env: env() });
    expect(r.code).toBe(0);
    const e = entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers');
    expect(e).toEqual({
      command: 'npx', env: {},
      args: ['-y', 'ssh-mcp@1', '--', '--host=10.0.0.5', '--port=2222', '--user=root', `--key=${key}`, '--timeout=30000', '--maxChars=1000'],
    });
    expect(r.stderr).toMatch(/--detach/);
  });
  it('gemini: settings.json with a per-server timeout above the server timeout', () => {
    const r = runCli([...base(), '--client', 'gemini', '--ssh-mcp', '1'], { env: env() });
    expect(r.code).toBe(0);
    const e = entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers');
    expect(e).toEqual({ command: 'npx', args: V1_ARGS(key), env: {}, timeout: 150000, trust: false, includeTools: ['exec'] });
  });
  it('codex: config.toml with tool_timeout_sec above the server timeout', () => {
    const r = runCli([...base(), '--client', 'codex', '--ssh-mcp', '1', '--timeout-ms', '600000', '--name', 'pve1'], { env: env() });
    expect(r.code).toBe(0);
    const e = entryOf(parseToml(r.stdout) as Obj, 'mcp_servers', 'pve1');
    expect(e).toEqual({ command: 'npx', args: V1_ARGS(key, 600000), startup_timeout_sec: 60, tool_timeout_sec: 630 });
    expect(e.tool_timeout_sec as number).toBeGreaterThan(600);
  });
  it('no value is ever separated by a space (ssh-mcp 1 ignores those)', () => {
    for (const client of ['claude-code', 'claude-desktop', 'gemini']) {
      const r = runCli([...base(), '--client', client, '--ssh-mcp', '1'], { env: env() });
      const args = (entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers').args as string[]).slice(3);
      for (const a of args) expect(a).toMatch(/^--[A-Za-z]+=\S+$/);
    }
  });
});

describe('mcp-config, ssh-mcp 2 (profile file)', () => {
  const profileDir = (): string => join(dir, 'prof');
  const profilePath = (): string => join(profileDir(), 'config.toml');
  const V2_ARGS = (): string[] => ['-y', 'ssh-mcp@2', '--', `--config=${profilePath()}`];
  // A transfer root of the test's own (the default, dist/ beside linus, is made 700 by --write-profile).
  const transfer = (): string => {
    const t = join(dir, 'transfer');
    mkdirSync(t, { recursive: true, mode: 0o700 });
    return t;
  };

  it('--write-profile writes mode 600 in a 700 directory, and ssh-mcp loads it', async () => {
    const r = runCli([...base(), '--client', 'claude-code', '--profile-dir', profileDir(), '--transfer-root', transfer(), '--write-profile', '--max-chars', '5000'], { env: env() });
    expect(r.code).toBe(0);
    expect(entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers')).toEqual({ type: 'stdio', command: 'npx', args: V2_ARGS(), env: {} });
    expect(statSync(profilePath()).mode & 0o777).toBe(0o600);
    expect(statSync(profileDir()).mode & 0o777).toBe(0o700);
    const doc = parseToml(readFileSync(profilePath(), 'utf8')) as Obj;
    expect(doc.defaults).toEqual({ defaultProfile: 'linus-pve', commandTimeoutMs: 120000, commandMaxChars: 5000, transferRoot: transfer() });
    expect(doc.profiles).toEqual([{ name: 'linus-pve', host: '10.0.0.5', port: 22, user: 'root', auth: 'key', keyRef: key, role: 'admin', group: 'prod' }]);
    // ssh-mcp's own loader: checks the modes and its schema.
    const loaderUrl = pathToFileURL(join(REPO, 'node_modules/ssh-mcp/build/config/loader.js')).href;
    const loader = (await import(loaderUrl)) as { loadConfig: (p: string) => Promise<{ profiles: Array<Record<string, unknown>> }> };
    const cfg = await loader.loadConfig(profilePath());
    expect((cfg as unknown as { defaults: Obj }).defaults.transferRoot).toBe(transfer());
    expect(cfg.profiles[0]).toMatchObject({ host: '10.0.0.5', user: 'root', keyRef: key, timeout: 120000, maxChars: 5000, role: 'admin' });
  });
  it('the same profile again is unchanged; other content needs --force', () => {
    let r = runCli([...base(), '--client', 'codex', '--profile-dir', profileDir(), '--transfer-root', transfer(), '--write-profile', '--max-chars', '5000'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/unchanged/);
    r = runCli([...base(), '--client', 'codex', '--profile-dir', profileDir(), '--transfer-root', transfer(), '--write-profile'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^linus: [^\n]*--force[^\n]*\n$/);
    r = runCli([...base(), '--client', 'codex', '--profile-dir', profileDir(), '--transfer-root', transfer(), '--write-profile', '--force'], { env: env() });
    expect(r.code).toBe(0);
    expect((parseToml(readFileSync(profilePath(), 'utf8')) as { defaults: Obj }).defaults.commandMaxChars).toBe(0);
    expect(statSync(profilePath()).mode & 0o777).toBe(0o600);
  });
  it('refuses a profile directory other users can read', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    const r = runCli([...base(), '--client', 'codex', '--profile-dir', open, '--transfer-root', transfer(), '--write-profile'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^linus: .*mode 755.*700/);
  });
  it('gemini and codex entries point at the profile; timeouts above the server timeout', () => {
    let r = runCli([...base(), '--client', 'gemini', '--profile-dir', profileDir(), '--timeout-ms', '300000'], { env: env() });
    expect(r.code).toBe(0);
    expect(entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers')).toEqual({
      command: 'npx', args: V2_ARGS(), env: {}, timeout: 330000, trust: false, includeTools: ['run-command', 'sftp-upload-file'],
    });
    expect(r.stderr).toMatch(/--write-profile/);
    r = runCli([...base(), '--client', 'codex', '--profile-dir', profileDir()], { env: env() });
    expect(entryOf(parseToml(r.stdout) as Obj, 'mcp_servers')).toEqual({ command: 'npx', args: V2_ARGS(), startup_timeout_sec: 60, tool_timeout_sec: 150 });
    r = runCli([...base(), '--client', 'claude-desktop'], { env: env() });
    expect(entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers')).toEqual({
      command: 'npx', env: {}, args: ['-y', 'ssh-mcp@2', '--', `--config=${join(home, '.config/linus-provision/ssh-mcp/config.toml')}`],
    });
  });
  it('--emit profile prints the profile TOML only', () => {
    const r = runCli([...base(), '--client', 'codex', '--emit', 'profile', '--group', 'staging', '--port', '2200'], { env: env() });
    expect(r.code).toBe(0);
    const doc = parseToml(r.stdout) as { profiles: Obj[] };
    expect(doc.profiles[0]).toMatchObject({ port: 2200, group: 'staging', keyRef: key });
  });
  it('a password travels only in SSH_MCP_PASSWORD, never on a command line', () => {
    const pdir = join(dir, 'pw');
    let r = runCli(['mcp-config', '--host', 'pve', '--user', 'root', '--password-env', '--client', 'claude-code', '--profile-dir', pdir, '--transfer-root', transfer(), '--write-profile'], { env: env() });
    expect(r.code).toBe(0);
    const cc = entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers');
    expect(cc.env).toEqual({ SSH_MCP_PASSWORD: '${SSH_MCP_PASSWORD}' });
    expect((cc.args as string[]).join(' ')).not.toMatch(/password/i);
    const doc = parseToml(readFileSync(join(pdir, 'config.toml'), 'utf8')) as { profiles: Obj[] };
    expect(doc.profiles[0].auth).toBe('password');
    expect(doc.profiles[0].keyRef).toBeUndefined();
    r = runCli(['mcp-config', '--host', 'pve', '--user', 'root', '--password-env', '--client', 'gemini', '--profile-dir', pdir], { env: env() });
    expect(entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers').env).toEqual({ SSH_MCP_PASSWORD: '$SSH_MCP_PASSWORD' });
    r = runCli(['mcp-config', '--host', 'pve', '--user', 'root', '--password-env', '--client', 'codex', '--profile-dir', pdir], { env: env() });
    expect(entryOf(parseToml(r.stdout) as Obj, 'mcp_servers').env_vars).toEqual(['SSH_MCP_PASSWORD']);
  });
});

describe('mcp-config, bad usage: one line, exit 1, nothing on stdout', () => {
  const cases: Array<[string, string[]]> = [
    ['unknown client', ['--client', 'vim']],
    ['ssh-mcp 3', ['--client', 'codex', '--ssh-mcp', '3']],
    ['port 0', ['--client', 'codex', '--port', '0']],
    ['port text', ['--client', 'codex', '--port', 'ssh']],
    ['timeout too small', ['--client', 'codex', '--timeout-ms', '10']],
    ['max-chars text', ['--client', 'codex', '--max-chars', 'lots']],
    ['max-chars 0 (spelled none here)', ['--client', 'codex', '--max-chars', '0']],
    ['transfer root with ssh-mcp 1', ['--client', 'codex', '--ssh-mcp', '1', '--transfer-root', '/tmp']],
    ['bad server name', ['--client', 'codex', '--name', 'a b']],
    ['password with ssh-mcp 1', ['--client', 'codex', '--ssh-mcp', '1', '--password-env']],
    ['profile with ssh-mcp 1', ['--client', 'codex', '--ssh-mcp', '1', '--emit', 'profile']],
    ['unknown option', ['--client', 'codex', '--pasword', 'x']],
  ];
  for (const [what, extra] of cases) {
    it(what, () => {
      const args = [...base(), ...extra];
      // --password-env replaces --key
      const r = runCli(extra.includes('--password-env') ? args.filter((a, i) => a !== '--key' && args[i - 1] !== '--key') : args, { env: env() });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^linus: [^\n]+\n$/);
    });
  }
  it('bad host, missing user, missing key, public key file, password for claude-desktop', () => {
    for (const args of [
      ['mcp-config', '--client', 'codex', '--host', 'a host', '--user', 'root', '--key', key],
      ['mcp-config', '--client', 'codex', '--host', 'h', '--key', key],
      ['mcp-config', '--client', 'codex', '--host', 'h', '--user', 'root'],
      ['mcp-config', '--client', 'codex', '--host', 'h', '--user', 'root', '--key', `${key}.pub`],
      ['mcp-config', '--client', 'claude-desktop', '--host', 'h', '--user', 'root', '--password-env'],
      ['mcp-config', '--client', 'codex', '--host', 'h', '--user', 'bad user', '--key', key],
    ]) {
      const r = runCli(args, { env: env() });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^linus: [^\n]+\n$/);
    }
  });
});

describe('mcp-config --server linus (the entry that starts linus mcp)', () => {
  const linusBase = (): string[] =>
    ['mcp-config', '--server', 'linus', '--host', '10.0.0.5', '--user', 'root', '--key', key];
  const CLI_JS = join(REPO, 'dist', 'cli.js');
  const args = (extra: string[] = []): string[] =>
    [CLI_JS, 'mcp', '--host', '10.0.0.5', '--port', '22', '--user', 'root', '--key', key, ...extra];

  it('claude-code: node + the absolute dist/cli.js mcp with the SSH options', () => {
    const r = runCli([...linusBase(), '--client', 'claude-code'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const e = entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers', 'linus');
    expect(e).toEqual({ type: 'stdio', command: process.execPath, args: args(), env: {} });
    expect(r.stderr).toMatch(/MCP_TOOL_TIMEOUT=1860000/);
  });
  it('claude-desktop: provision_vm answers within its 60 s (--follow-seconds 45)', () => {
    const kh = join(dir, 'known_hosts');
    writeFileSync(kh, '');
    const extra = ['--client', 'claude-desktop', '--known-hosts', kh, '--sudo', '--port', '2222'];
    const r = runCli([...linusBase(), ...extra], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const e = entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers', 'linus');
    const want = args(['--known-hosts', kh, '--sudo', '--follow-seconds', '45']);
    want[5] = '2222';
    expect(e).toEqual({ command: process.execPath, args: want, env: {} });
  });
  it('gemini: its timeout above the follow time, the five tools listed', () => {
    const r = runCli([...linusBase(), '--client', 'gemini', '--name', 'pve1'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const e = entryOf(JSON.parse(r.stdout) as Obj, 'mcpServers', 'pve1');
    expect(e).toEqual({
      command: process.execPath, args: args(), env: {}, timeout: 1860000, trust: false,
      includeTools: ['preflight', 'provision_vm', 'vm_status', 'list_vms', 'destroy_vm'],
    });
  });
  it('codex: TOML with tool_timeout_sec', () => {
    const r = runCli([...linusBase(), '--client', 'codex'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const e = entryOf(parseToml(r.stdout) as Obj, 'mcp_servers', 'linus');
    expect(e).toEqual({ command: process.execPath, args: args(), startup_timeout_sec: 60, tool_timeout_sec: 1860 });
  });
  it('refuses what it cannot use: ssh-mcp options, a missing key or known_hosts file, an unknown server', () => {
    for (const extra of [
      ['--client', 'codex', '--password-env'],
      ['--client', 'codex', '--group', 'dev'],
      ['--client', 'codex', '--write-profile'],
      ['--client', 'codex', '--known-hosts', join(dir, 'no-such-file')],
      ['--client', 'codex', '--port', '0'],
      ['--client', 'vim'],
    ]) {
      const r = runCli([...linusBase(), ...extra], { env: env() });
      expect(r.code, extra.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^linus: [^\n]+\n$/);
    }
    const noKeyArgs = ['mcp-config', '--server', 'linus', '--client', 'codex', '--host', 'h', '--user', 'root'];
    const noKey = runCli([...noKeyArgs, '--key', join(dir, 'nope')], { env: env() });
    expect(noKey.stderr).toMatch(/^linus: --key \S+ does not exist\n$/);
    const bad = runCli([...base(), '--client', 'codex', '--server', 'other'], { env: env() });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--server must be ssh-mcp or linus/);
    const mixed = runCli([...base(), '--client', 'codex', '--sudo'], { env: env() });
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/options of --server linus/);
  });
});
