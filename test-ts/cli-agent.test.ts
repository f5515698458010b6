// The agent path of the CLI: provision-cmd (detached by default, the user's key, --help),
// run-command without --, --max-chars and EPIPE in every command, the built CLI from another
// directory, agent-instructions, and the transfer root mcp-config writes, checked by ssh-mcp's
// own gate (the code sftp-upload-file runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './helpers/cli.js';

const DIST_CLI = join(REPO, 'dist', 'cli.js');
const BUNDLE = join(REPO, 'dist', 'linus-provision-proxmox.sh');

let T = '';
let home = '';
let bare = '';
let keyPath = '';
let pub = '';
beforeAll(() => {
  T = mkdtempSync(join(tmpdir(), 'linus-cli-agent-'));
  home = join(T, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  keyPath = join(home, '.ssh', 'id_ed25519');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@laptop', '-f', keyPath]);
  pub = readFileSync(`${keyPath}.pub`, 'utf8').trim();
  bare = join(T, 'bare-home');
  mkdirSync(bare);
});
afterAll(() => rmSync(T, { recursive: true, force: true }));

const env = (h: string): NodeJS.ProcessEnv => ({ ...process.env, HOME: h });
/** The bundle's arguments in a run line: what follows `bash "$f"` up to `;r=$?`. */
const scriptArgs = (line: string): string => /bash "\$f" (.*?);r=\$\?/.exec(line)?.[1] ?? '';

/** The built CLI (dist/cli.js) run from /tmp, as a user would start it from anywhere. */
function dist(args: string[], h = home, input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [DIST_CLI, ...args], { cwd: tmpdir(), env: env(h), encoding: 'utf8', input });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('provision-cmd: detached, with the user key', () => {
  it('--help prints the usage and the script options, exit 0', () => {
    const r = dist(['provision-cmd', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: linus provision-cmd/);
    expect(r.stdout).toMatch(/--foreground/);
    expect(r.stdout).toMatch(/--no-user-key/);
    expect(r.stdout).toMatch(/--cores N/); // the script's own option list
    expect(r.stderr).toBe('');
  });
  it('default: --detach and the ~/.ssh/id_ed25519.pub key as --ssh-key text', () => {
    const r = dist(['provision-cmd', '--name', 'web1']);
    expect(r.code, r.stderr).toBe(0);
    expect(scriptArgs(r.stdout)).toBe(`provision --name web1 --ssh-key '${pub}' --detach`);
    expect(r.stderr).toMatch(/added your public key .*id_ed25519\.pub/);
    expect(r.stderr).toMatch(/wait <id> --timeout 50/);
  });
  it('--foreground and --dry-run start no job; --no-user-key adds no key', () => {
    expect(scriptArgs(dist(['provision-cmd', '--name', 'web1', '--foreground', '--no-user-key']).stdout)).toBe('provision --name web1');
    expect(scriptArgs(dist(['provision-cmd', '--name', 'web1', '--dry-run', '--no-user-key']).stdout)).toBe('provision --name web1 --dry-run');
  });
  it('an explicit --ssh-key is kept and no other key is added', () => {
    const r = dist(['provision-cmd', '--name', 'web1', '--foreground', '--ssh-key', pub]);
    expect(scriptArgs(r.stdout)).toBe(`provision --name web1 --ssh-key '${pub}'`);
  });
  it('no key found: the line without a key, and a note on stderr', () => {
    const r = dist(['provision-cmd', '--name', 'web1', '--foreground'], bare);
    expect(r.code, r.stderr).toBe(0);
    expect(scriptArgs(r.stdout)).toBe('provision --name web1');
    expect(r.stderr).toMatch(/no public key found .*only the Proxmox host root's key/);
  });
  it('id_rsa.pub when there is no id_ed25519.pub', () => {
    const h = join(T, 'rsa-home');
    mkdirSync(join(h, '.ssh'), { recursive: true });
    copyFileSync(`${keyPath}.pub`, join(h, '.ssh', 'id_rsa.pub'));
    expect(scriptArgs(dist(['provision-cmd', '--name', 'web1', '--foreground'], h).stdout)).toBe(`provision --name web1 --ssh-key '${pub}'`);
  });
  it('--key PATH takes PATH.pub; the key saved by mcp-config is the default', () => {
    const other = join(T, 'other');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other', '-f', other]);
    const otherPub = readFileSync(`${other}.pub`, 'utf8').trim();
    expect(scriptArgs(dist(['provision-cmd', '--key', other, '--name', 'web1', '--foreground']).stdout)).toBe(`provision --name web1 --ssh-key '${otherPub}'`);
    const h = join(T, 'saved-home');
    mkdirSync(h);
    const cfg = dist(['mcp-config', '--client', 'codex', '--host', 'pve', '--user', 'root', '--key', other, '--profile-dir', join(h, 'p')], h);
    expect(cfg.code, cfg.stderr).toBe(0);
    const r = dist(['provision-cmd', '--name', 'web1'], h);
    expect(scriptArgs(r.stdout)).toBe(`provision --name web1 --ssh-key '${otherPub}' --detach`);
    // codex at 120 s: wait 90 s
    expect(r.stderr).toMatch(/wait <id> --timeout 90/);
  });
  it('--ssh-key-file is read on this machine and sent as the key text', () => {
    const r = dist(['provision-cmd', '--name', 'web1', '--foreground', `--ssh-key-file=${keyPath}.pub`]);
    expect(r.code, r.stderr).toBe(0);
    expect(scriptArgs(r.stdout)).toBe(`provision --name web1 --ssh-key '${pub}'`);
    expect(r.stdout).not.toMatch(/ssh-key-file/);
  });
  const bad: Array<[string, string[], RegExp]> = [
    ['an unreadable --ssh-key-file', ['--ssh-key-file', join(tmpdir(), 'no-such-key.pub')], /cannot read the --ssh-key-file .*ENOENT/],
    ['a private key as --ssh-key-file', ['--ssh-key-file', 'PRIVATE'], /PRIVATE key/],
    ['--key whose .pub is missing', ['--key', join(tmpdir(), 'no-such-key')], /cannot read the public key of --key/],
    ['a file of two keys', ['--ssh-key-file', 'TWO'], /holds 2 keys/],
    ['--ssh-key and --ssh-key-file', ['--ssh-key', 'x', '--ssh-key-file', 'PUB'], /not both/],
    ['--foreground with --detach', ['--foreground', '--detach'], /not both/],
    ['--max-chars 0', ['--max-chars', '0'], /--max-chars must be a positive/],
  ];
  for (const [what, extra, msg] of bad) {
    it(`${what}: one line, exit 1, no line printed`, () => {
      const two = join(T, 'two.pub');
      writeFileSync(two, `${pub}\n${pub}\n`);
      const args = extra.map((a) => (a === 'PRIVATE' ? keyPath : a === 'TWO' ? two : a === 'PUB' ? `${keyPath}.pub` : a));
      const r = dist(['provision-cmd', '--name', 'web1', ...args]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^linus: [^\n]+\n$/);
      expect(r.stderr).toMatch(msg);
    });
  }
  it('an unreadable saved key is an error too', () => {
    const h = join(T, 'gone-home');
    mkdirSync(join(h, '.config', 'linus-provision'), { recursive: true });
    writeFileSync(join(h, '.config', 'linus-provision', 'settings.json'), JSON.stringify({ key: join(T, 'gone') }));
    const r = dist(['provision-cmd', '--name', 'web1'], h);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^linus: cannot read the public key of the key saved by mcp-config .*gone\.pub/);
  });
});

describe('run-command and every command from any directory', () => {
  const sha = readFileSync(`${BUNDLE}.sha256`, 'utf8').slice(0, 64);
  it('run-command preflight works without --, and from /tmp with the .sha256 beside the CLI', () => {
    const a = dist(['run-command', 'preflight']);
    const b = dist(['run-command', '--', 'preflight']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain(`h=${sha};`);
    expect(scriptArgs(a.stdout)).toBe('preflight');
    expect(scriptArgs(dist(['run-command', 'status', '--name', 'web1', '--sudo']).stdout)).toBe('status --name web1');
    expect(dist(['run-command', 'status', '--name', 'web1', '--sudo']).stdout).toMatch(/sudo -n bash/);
    expect(scriptArgs(dist(['run-command', 'status', '0x10']).stdout)).toBe('status 0x10');
  });
  it('run-command without an action: one line, exit 1', () => {
    const r = dist(['run-command']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^linus: name the action, e\.g\. linus run-command -- preflight/);
  });
  it('upload and provision-cmd find the bundle beside the CLI', () => {
    const u = dist(['upload', '--max-chars', '5000']);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout.split('\n').length).toBeGreaterThan(2);
    expect(dist(['provision-cmd', '--name', 'web1', '--no-user-key']).code).toBe(0);
  });
  for (const bad of ['-5', '0', 'lots', '1e3']) {
    it(`--max-chars ${bad} is an error in every command`, () => {
      for (const args of [
        ['upload', '--max-chars', bad],
        ['run-command', '--max-chars', bad, '--', 'list'],
        ['provision-cmd', '--max-chars', bad, '--name', 'web1'],
        ['mcp-config', '--client', 'codex', '--host', 'h', '--user', 'root', '--key', keyPath, '--max-chars', bad],
      ]) {
        const r = dist(args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/^linus: --max-chars must be a positive whole number or 'none'[^\n]*\n$/);
      }
    });
  }
  it('a closed stdout (| head -1) ends quietly in every command', () => {
    for (const cmd of ['upload --max-chars 1000', 'provision-cmd --help', 'agent-instructions', 'run-command -- list']) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; node ${DIST_CLI} ${cmd} | head -c 1 >/dev/null`], { cwd: tmpdir(), env: env(home), encoding: 'utf8' });
      expect(r.stderr, cmd).toBe('');
      expect(r.status, cmd).toBe(0);
    }
  });
});

describe('agent-instructions', () => {
  it('prints the rules with the defaults when nothing is saved', () => {
    const r = dist(['agent-instructions'], bare);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/through the MCP server "linus-pve" only/);
    expect(r.stdout).toContain(`linus means: node ${DIST_CLI}`);
    expect(r.stdout).toMatch(/upload --from-url URL/);
    expect(r.stdout).toMatch(/--line K/);
    expect(r.stdout).toMatch(/run-command -- preflight/);
    expect(r.stdout).toMatch(/wait <id> --timeout 50/);
    expect(r.stdout).toMatch(/LINUS_VM_HOST_KEY_SHA256_HEX/);
    expect(r.stdout).not.toMatch(/sftp-upload-file/); // no transfer root known
    expect(r.stdout).not.toMatch(/CONTRACT|§|\.\.\/shared/);
    expect(r.stdout.split('\n').length).toBeLessThan(40);
  });
  it('fills in what mcp-config saved: the sftp-upload-file call, the limit, the wait timeout', () => {
    const h = join(T, 'ai-home');
    mkdirSync(h);
    const root = join(T, 'ai-root');
    mkdirSync(root);
    const cfg = dist(['mcp-config', '--client', 'claude-desktop', '--host', 'pve', '--user', 'root', '--key', keyPath, '--max-chars', '5000',
      '--name', 'pve1', '--profile-dir', join(h, 'p'), '--transfer-root', root], h);
    expect(cfg.code, cfg.stderr).toBe(0);
    const r = dist(['agent-instructions'], h);
    expect(r.stdout).toMatch(/MCP server "pve1"/);
    expect(r.stdout).toContain(`sftp-upload-file with {"localPath":"${join(root, 'linus-provision-proxmox.sh')}","remotePath":"/tmp/linus-provision-proxmox.sh","overwrite":true}`);
    expect(r.stdout).toMatch(/linus upload --max-chars 5000 --count/);
    expect(r.stdout).toMatch(/wait <id> --timeout 30/); // Claude Desktop: about 60 s a call
    expect(r.stdout).toMatch(/You have no shell/);
    expect(dist(['agent-instructions', '--client', 'codex'], h).stdout).toMatch(/linus means:/);
    const bad = dist(['agent-instructions', '--client', 'vim'], h);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^linus: --client must be one of/);
  });
});

describe('mcp-config: sftp-upload-file through ssh-mcp\'s own transfer-root gate', () => {
  type Ctx = { transferRoot?: string; configPath?: string; forbidden?: Array<{ path: string; reason: string }> };
  type Gate = { localFileForRead: (ctx: Ctx, input: string) => Promise<{ size: number; handle: { close: () => Promise<void> } }> };
  const gate = async (): Promise<Gate> => (await import(pathToFileURL(join(REPO, 'node_modules/ssh-mcp/build/tools/local-path.js')).href)) as Gate;

  it('--write-profile makes the transfer root 700; ssh-mcp then opens the bundle for sftp-upload-file', async () => {
    const h = join(T, 'tr-home');
    mkdirSync(h);
    const root = join(T, 'tr-root');
    mkdirSync(root);
    chmodSync(root, 0o755);
    copyFileSync(BUNDLE, join(root, 'linus-provision-proxmox.sh'));
    const profileDir = join(h, 'prof');
    const r = dist(['mcp-config', '--client', 'gemini', '--host', 'pve', '--user', 'root', '--key', keyPath, '--profile-dir', profileDir,
      '--transfer-root', root, '--write-profile'], h);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    const entry = (JSON.parse(r.stdout) as { mcpServers: Record<string, { includeTools: string[] }> }).mcpServers['linus-pve'];
    expect(entry.includeTools).toEqual(['run-command', 'sftp-upload-file']);
    const call = /sftp-upload-file: (\{.*\})\n/.exec(r.stderr)?.[1];
    expect(call).toBeDefined();
    const args = JSON.parse(call ?? '{}') as { localPath: string; remotePath: string; overwrite: boolean };
    expect(args).toEqual({ localPath: join(root, 'linus-provision-proxmox.sh'), remotePath: '/tmp/linus-provision-proxmox.sh', overwrite: true });
    expect(r.stderr).toMatch(/timeouts: the entry's "timeout" is 150000 \(ms\); ssh-mcp stops a command after 120 s; use wait JOB --timeout 90/);
    const toml = readFileSync(join(profileDir, 'config.toml'), 'utf8');
    expect(toml).toContain(`transferRoot = "${root}"`);
    const { localFileForRead } = await gate();
    const f = await localFileForRead({ transferRoot: root, configPath: join(profileDir, 'config.toml'), forbidden: [] }, args.localPath);
    expect(f.size).toBe(statSync(BUNDLE).size);
    await f.handle.close();
  });
  it('without --write-profile the mode is left and the fix is printed; ssh-mcp refuses a 755 root', async () => {
    const h = join(T, 'tr2-home');
    mkdirSync(h);
    const root = join(T, 'tr2-root');
    mkdirSync(root);
    chmodSync(root, 0o755);
    const r = dist(['mcp-config', '--client', 'codex', '--host', 'pve', '--user', 'root', '--key', keyPath, '--profile-dir', join(h, 'p'), '--transfer-root', root], h);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`chmod 700 ${root}`);
    expect(statSync(root).mode & 0o777).toBe(0o755);
    writeFileSync(join(root, 'linus-provision-proxmox.sh'), 'x');
    const { localFileForRead } = await gate();
    await expect(localFileForRead({ transferRoot: root, forbidden: [] }, join(root, 'linus-provision-proxmox.sh'))).rejects.toThrow(/0700/);
  });
  it('the timeouts of each client', () => {
    mkdirSync(join(T, 'tn-root'));
    const note = (client: string): string => dist(['mcp-config', '--client', client, '--host', 'pve', '--user', 'root', '--key', keyPath,
      '--profile-dir', join(T, 'tn'), '--transfer-root', join(T, 'tn-root'), '--timeout-ms', '300000'], join(T, 'tn-home')).stderr;
    expect(note('claude-code')).toMatch(/MCP_TOOL_TIMEOUT=330000 \(ms\).*after 300 s; use wait JOB --timeout 270/);
    expect(note('codex')).toMatch(/tool_timeout_sec is 330; .*use wait JOB --timeout 270/);
    expect(note('gemini')).toMatch(/"timeout" is 330000 .*use wait JOB --timeout 270/);
    expect(note('claude-desktop')).toMatch(/no tool-timeout setting .*about 60 s.*use wait JOB --timeout 30/);
  });
  it('a named transfer root that is missing or another user\'s is an error (exit 1)', () => {
    const args = (root: string): string[] => ['mcp-config', '--client', 'codex', '--host', 'pve', '--user', 'root', '--key', keyPath,
      '--profile-dir', join(T, 'nr', 'p'), '--transfer-root', root];
    let r = dist(args(join(T, 'no-such-root')), join(T, 'nr-home'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^linus: the transfer root .*no-such-root does not exist[^\n]*\n$/);
    if (process.getuid?.() !== 0) return; // only root can make a directory of another user here
    const theirs = join(T, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    r = dist(args(theirs), join(T, 'nr-home'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^linus: the transfer root .* belongs to another user[^\n]*\n$/);
  });
  it('a transfer root that overlaps the profile directory or ~/.ssh is refused', () => {
    for (const root of [join(T, 'ov'), join(home, '.ssh')]) {
      mkdirSync(join(T, 'ov'), { recursive: true });
      const r = dist(['mcp-config', '--client', 'codex', '--host', 'pve', '--user', 'root', '--key', keyPath, '--profile-dir', join(T, 'ov', 'p'), '--transfer-root', root]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^linus: --transfer-root .* overlaps [^\n]+\n$/);
    }
    expect(existsSync(join(T, 'ov', 'p'))).toBe(false);
  });
});
