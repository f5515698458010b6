// The run-command line, executed for real under dash and bash against an installed script,
// and the `linus run-command` / `linus upload` CLI (usage errors, defaults).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRunCommand, makeUploadCommands, NOT_RUN_EXIT } from '../build/upload/index.js';
import { REPO, runCli, type CliResult } from './helpers/cli.js';

/** The CLI from another working directory (runCli's bare `--import tsx` resolves from its cwd). */
function runCliIn(cwd: string, args: string[]): CliResult {
  const tsx = join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  const r = spawnSync(process.execPath, ['--import', tsx, join(REPO, 'build', 'cli.ts'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const SHELLS = ['dash', 'bash'] as const;
/** Arguments a shell would mangle if they were not quoted right. */
const AWKWARD = ['provision', '--name', 'a b', "it's", '$(id)', '`id`', ';', '&&', 'x"y', '', '*', '~', '-n', '\\', '$HOME', 'ünï'];

let T = '';
let n = 0;

/** Prints each argument on its own line between markers, writes a marker file, exits 7. */
const SCRIPT = Buffer.from(
  '#!/bin/bash\necho "stderr chatter" >&2\nfor a in "$@"; do printf "ARG:%s\\n" "$a"; done\ntouch "$(dirname "$0")/ran"\nexit 7\n',
);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function install(content: Buffer = SCRIPT): { dir: string; path: string } {
  const dir = join(T, `h${++n}`);
  mkdirSync(dir);
  const path = join(dir, "linus provision's.sh");
  writeFileSync(path, content, { mode: 0o700 });
  return { dir, path };
}

function run(shell: string, cmd: string, asNobody = false): { code: number; out: string; err: string } {
  const argv = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', shell, '-c', cmd] : [shell, '-c', cmd];
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  T = mkdtempSync('/tmp/linus-run-test-');
  chmodSync(T, 0o755);
});
afterAll(() => {
  if (T) rmSync(T, { recursive: true, force: true });
});

describe.each(SHELLS)('the run-command line under %s', (shell) => {
  it('passes awkward arguments through verbatim, merges stderr, ends with LINUS_EXIT:<its code>', () => {
    const h = install();
    const line = makeRunCommand(AWKWARD, { remotePath: h.path, sha256: sha(SCRIPT) });
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).not.toMatch(/\beval\b|\|\s*(sh|bash|dash)\b/);
    const r = run(shell, line);
    expect(r.err).toBe('');
    const lines = r.out.split('\n').filter((l) => l !== '');
    expect(lines).toEqual(['stderr chatter', ...AWKWARD.map((a) => `ARG:${a}`), 'LINUS_EXIT:7']);
    expect(r.code).toBe(7);
    expect(existsSync(join(h.dir, 'ran'))).toBe(true);
  });

  it('refuses a script whose sha256 differs, without running it', () => {
    const h = install(Buffer.concat([SCRIPT, Buffer.from('# changed\n')]));
    const r = run(shell, makeRunCommand(['preflight'], { remotePath: h.path, sha256: sha(SCRIPT) }));
    expect(r.err).toBe('');
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('LINUS_RESULT:FAILURE');
    expect(lines[1]).toMatch(/^LINUS_ERROR:.* has sha256 [0-9a-f]{64}, not [0-9a-f]{64}: the script did not run/);
    expect(lines[lines.length - 1]).toBe(`LINUS_EXIT:${NOT_RUN_EXIT}`);
    expect(r.code).toBe(NOT_RUN_EXIT);
    expect(existsSync(join(h.dir, 'ran'))).toBe(false);
  });

  it('refuses a missing script, a symlink, and a file of another user', () => {
    const h = install();
    const missing = run(shell, makeRunCommand([], { remotePath: join(h.dir, 'absent.sh'), sha256: sha(SCRIPT) }));
    expect(missing.err).toBe('');
    expect(missing.out).toMatch(/LINUS_ERROR:.*absent\.sh is not a regular file/);
    expect(missing.out.trim().split('\n').pop()).toBe(`LINUS_EXIT:${NOT_RUN_EXIT}`);
    const link = join(h.dir, 'link.sh');
    symlinkSync(h.path, link);
    const viaLink = run(shell, makeRunCommand([], { remotePath: link, sha256: sha(SCRIPT) }));
    expect(viaLink.out).toMatch(/LINUS_ERROR:.*link\.sh is not a regular file/);
    expect(viaLink.code).toBe(NOT_RUN_EXIT);
    chmodSync(h.dir, 0o755);
    chmodSync(h.path, 0o755);
    const other = run(shell, makeRunCommand([], { remotePath: h.path, sha256: sha(SCRIPT) }), true);
    expect(other.err).toBe('');
    expect(other.out).toMatch(/LINUS_ERROR:.* is not owned by nobody/);
    expect(existsSync(join(h.dir, 'ran'))).toBe(false);
  });

  it('runs what the upload commands installed', () => {
    const dir = join(T, `up${++n}`);
    mkdirSync(dir);
    const remotePath = join(dir, 'x.sh');
    for (const c of makeUploadCommands(SCRIPT, { remotePath, maxChars: 1000 })) run(shell, c);
    const r = run(shell, makeRunCommand(['a b'], { remotePath, sha256: sha(SCRIPT) }));
    expect(r.out.trim().split('\n').slice(-2)).toEqual(['ARG:a b', 'LINUS_EXIT:7']);
  });
});

describe('makeRunCommand', () => {
  it('uses sudo -n with --sudo, quotes the path, and classifies as ssh-mcp would expect', () => {
    const line = makeRunCommand(['list'], { remotePath: "/tmp/a b'c.sh", sha256: 'A'.repeat(64), sudo: true });
    expect(line).toContain('sudo -n bash "$f" list;');
    expect(line).toContain(`f='/tmp/a b'\\''c.sh'`);
    expect(line).toContain(`h=${'a'.repeat(64)};`);
  });

  it('refuses arguments with line breaks, a bad sha256 and a relative path', () => {
    expect(() => makeRunCommand(['a\nb'], { sha256: 'a'.repeat(64) })).toThrow(/line break/);
    expect(() => makeRunCommand([], { sha256: 'xyz' })).toThrow(/64 hex/);
    expect(() => makeRunCommand([], { sha256: 'a'.repeat(64), remotePath: 'x.sh' })).toThrow(/absolute/);
  });
});

describe('the CLI', () => {
  const oneLineError = (r: { code: number; stdout: string; stderr: string }, re: RegExp): void => {
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^linus: .+\n$/);
    expect(r.stderr).toMatch(re);
  };

  it('run-command prints the line for the args after --, with the sha256 of --sha256 or of the .sha256 file', () => {
    const s = sha(SCRIPT);
    const r = runCli(['run-command', '--sha256', s, '--remote-path', '/tmp/x y.sh', '--', 'status', '--name', 'a b']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${makeRunCommand(['status', '--name', 'a b'], { remotePath: '/tmp/x y.sh', sha256: s })}\n`);
    // From another directory (even one with a dist/ of its own): the .sha256 beside the CLI.
    const cwd = join(T, `cli${++n}`);
    mkdirSync(join(cwd, 'dist'), { recursive: true });
    writeFileSync(join(cwd, 'dist', 'linus-provision-proxmox.sh.sha256'), `${s}  linus-provision-proxmox.sh\n`);
    const built = readFileSync(join(REPO, 'dist', 'linus-provision-proxmox.sh.sha256'), 'utf8').slice(0, 64);
    const d = runCliIn(cwd, ['run-command', '--sudo', '--', 'list']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toBe(`${makeRunCommand(['list'], { sha256: built, sudo: true })}\n`);
    // The action without -- is the same line.
    expect(runCliIn(cwd, ['run-command', 'list', '--sudo']).stdout).toBe(d.stdout);
  });

  it('run-command usage errors are one line, exit 1', () => {
    oneLineError(runCli(['run-command']), /name the action/);
    oneLineError(runCli(['run-command', '--sha256', 'nothex', '--', 'x']), /64 hex/);
    oneLineError(runCli(['run-command', '--max-chars', '-5', '--', 'x']), /--max-chars must be a positive/);
    oneLineError(runCli(['run-command', '--sha256', 'a'.repeat(64), '--max-chars', '50', '--', 'x']), /over --max-chars 50/);
  });

  it('upload prints the commands, one a line; usage errors are one line, exit 1', () => {
    const file = join(T, 'bundle.sh');
    writeFileSync(file, SCRIPT);
    const r = runCli(['upload', '--script', file, '--max-chars', '1000', '--remote-path', '/tmp/q r.sh']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(makeUploadCommands(SCRIPT, { maxChars: 1000, remotePath: '/tmp/q r.sh' }).map((c) => `${c}\n`).join(''));
    expect(runCli(['upload', '--script', file, '--max-chars', 'none']).stdout).toBe(`${makeUploadCommands(SCRIPT, {})[0]}\n`);
    oneLineError(runCli(['upload', '--script', file, '--max-chars', 'lots']), /--max-chars/);
    oneLineError(runCli(['upload', '--script', file, '--max-chars', '100']), /too small/);
    oneLineError(runCli(['upload', '--script', join(T, 'absent.sh')]), /cannot read/);
    oneLineError(runCli(['upload', '--script', file, '--remote-path', 'relative.sh']), /absolute/);
    const help = runCli(['upload', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--max-chars/);
    expect(runCli(['run-command', '--help']).stdout).toMatch(/--sudo/);
    expect(readFileSync(file).equals(SCRIPT)).toBe(true);
  });
});
