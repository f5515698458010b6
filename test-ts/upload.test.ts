// Runs the generated upload commands for real, under dash and bash, in a temp directory that
// stands for the remote host, as root and as an unprivileged user (docs/UPLOAD.md).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync,
  statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { makeUploadCommands, stagingDir, uploadStats, type UploadOptions } from '../build/upload/index.js';
import { REPO } from './helpers/cli.js';

// ssh-mcp 2's own command classifier (it ships no types: the one function used is typed here).
const CLASSIFIER: string = '../node_modules/ssh-mcp/build/policy/classifier.js';
const { classifyCommand } = (await import(CLASSIFIER)) as { classifyCommand: (cmd: string) => { class: string } };

const SHELLS = ['dash', 'bash'] as const;
type Shell = (typeof SHELLS)[number];
const LIMITS: (number | undefined)[] = [400, 1000, 5000, undefined];
const NOBODY = 65534;

/** A realistic bundle: the project's bash sources, or generated bash when there are few yet. */
function realisticScript(): Buffer {
  const parts: Buffer[] = [];
  for (const dir of ['lib-sh', 'steps']) {
    const d = join(REPO, dir);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) if (f.endsWith('.sh')) parts.push(readFileSync(join(d, f)));
  }
  let text = Buffer.concat(parts).toString('utf8');
  for (let i = 0; text.length < 40_000; i++) {
    text += `step_${i}() {\n  local name="$1" count=${i}\n  log_step s${i} "doing step ${i} for $name"\n  if ! qm set "$VM_ID" --memory "$CFG_MEMORY"; then\n    linus_fail 5 "qm set failed (${i})" "check the VM"\n  fi\n}\n`;
  }
  return Buffer.from(`#!/usr/bin/env bash\nset -Eeuo pipefail\n${text}\nlinus_main "$@"\n`);
}

/** Hex text of random bytes: compresses only to about half, so the payload stays large. */
function incompressible(bytes: number): Buffer {
  return Buffer.from(randomBytes(bytes / 2).toString('hex'));
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface Run {
  code: number;
  out: string;
  err: string;
  last: string;
}

/** One command as the MCP server would run it: `SHELL -c CMD`, optionally as nobody. */
function run(shell: Shell, cmd: string, asNobody = false): Run {
  const argv = asNobody
    ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', shell, '-c', cmd]
    : [shell, '-c', cmd];
  // stdin not a socket: bash would read ~/.bashrc, taking itself for a command run by sshd.
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = (r.stdout ?? '').split('\n').filter((l) => l !== '');
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '', last: lines[lines.length - 1] ?? '' };
}

/** Every command: one status line last, nothing on stderr (ssh-mcp 1 fails a call on any stderr byte). */
function sendAll(shell: Shell, cmds: string[], asNobody = false): Run[] {
  return cmds.map((c) => {
    const r = run(shell, c, asNobody);
    expect(r.err, c.slice(0, 200)).toBe('');
    expect(r.last, r.out).toMatch(/^LINUS_UPLOAD:(CHUNK:\d+\/\d+|OK:[0-9a-f]{64}|FAILED:.+)$/);
    return r;
  });
}

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** The longest run of base64 in a command (a data chunk's payload). */
function corrupt(cmd: string): string {
  const runs = cmd.match(/[A-Za-z0-9+/=]{40,}/g) ?? [];
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
  expect(longest.length).toBeGreaterThan(40);
  const at = cmd.indexOf(longest) + Math.floor(longest.length / 2);
  return cmd.slice(0, at) + (cmd[at] === 'A' ? 'B' : 'A') + cmd.slice(at + 1);
}

let T = '';
const usedStaging = new Set<string>();
let n = 0;

/** A fresh "remote host" directory and the upload options for it. */
function host(limit: number | undefined, name = 'linus-provision-proxmox.sh'): { dir: string; opts: UploadOptions; path: string } {
  const dir = join(T, `host${++n}`);
  mkdirSync(dir);
  const path = join(dir, name);
  return { dir, path, opts: { maxChars: limit, remotePath: path } };
}

function commands(script: Buffer, opts: UploadOptions): string[] {
  usedStaging.add(stagingDir(script, opts));
  return makeUploadCommands(script, opts);
}

const mode = (p: string): number => statSync(p).mode & 0o7777;
/** Files other than the ones named: temp files left beside the target would show here. */
const others = (dir: string, keep: string[]): string[] => readdirSync(dir).filter((f) => !keep.includes(f));

const SCRIPT = realisticScript();

beforeAll(() => {
  T = mkdtempSync('/tmp/linus-upload-test-');
  chmodSync(T, 0o755);
});
afterEach(() => {
  for (const d of usedStaging) rmSync(d, { recursive: true, force: true });
  usedStaging.clear();
});
afterAll(() => {
  if (T) rmSync(T, { recursive: true, force: true });
});

describe.each(LIMITS)('upload commands at --max-chars %s', (limit) => {
  const max = limit ?? 100_000;

  it('are single lines within the limit, with no eval, no pipe into a shell, and classify safe for ssh-mcp 2', () => {
    for (const script of [SCRIPT, Buffer.from('echo hi\n')]) {
      const cmds = makeUploadCommands(script, { maxChars: limit, remotePath: "/tmp/with space/it's here.sh" });
      expect(cmds.length).toBeGreaterThan(0);
      for (const c of cmds) {
        expect(c).not.toMatch(/[\r\n]/);
        expect(c.length).toBeLessThanOrEqual(max);
        expect(c).not.toMatch(/\beval\b/);
        expect(c).not.toMatch(/\|\s*(sh|bash|dash)\b/);
        expect(c.startsWith('exec 2>&1;')).toBe(true);
        expect(['safe', 'read-only']).toContain(classifyCommand(c).class);
      }
      expect(makeUploadCommands(script, { maxChars: limit, remotePath: "/tmp/with space/it's here.sh" })).toEqual(cmds);
    }
  });

  it.each(SHELLS)('install the script under %s: OK with its sha256, identical, mode 0700, staging removed', (shell) => {
    const h = host(limit);
    const cmds = commands(SCRIPT, h.opts);
    const rs = sendAll(shell, cmds);
    rs.slice(0, -1).forEach((r, i) => {
      expect(r.code).toBe(0);
      expect(r.last).toBe(`LINUS_UPLOAD:CHUNK:${i + 1}/${cmds.length}`);
    });
    expect(rs[rs.length - 1].last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    expect(rs[rs.length - 1].code).toBe(0);
    expect(readFileSync(h.path).equals(SCRIPT)).toBe(true);
    expect(mode(h.path)).toBe(0o700);
    expect(others(h.dir, ['linus-provision-proxmox.sh'])).toEqual([]);
    expect(existsSync(stagingDir(SCRIPT, h.opts))).toBe(false);
  });

  it.each(SHELLS)('accept chunks re-sent and in any order (%s)', (shell) => {
    const h = host(limit);
    const cmds = commands(SCRIPT, h.opts);
    const chunks = cmds.slice(0, -1);
    sendAll(shell, shuffle([...chunks, ...chunks.slice(0, 2)]));
    sendAll(shell, shuffle(chunks));
    const final = sendAll(shell, [cmds[cmds.length - 1]])[0];
    expect(final.last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    expect(readFileSync(h.path).equals(SCRIPT)).toBe(true);
  });

  it.each(SHELLS)('after a success, the last command re-sent alone (or everything re-sent) reports OK again (%s)', (shell) => {
    const h = host(limit);
    const cmds = commands(SCRIPT, h.opts);
    const final = cmds[cmds.length - 1];
    expect((sendAll(shell, cmds).pop() as Run).last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    const helperMode = /;sh h$/.test(final);
    if (!helperMode) {
      const again = sendAll(shell, [final])[0];
      expect(again.last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
      expect(again.code).toBe(0);
    }
    expect((sendAll(shell, cmds).pop() as Run).last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    expect(existsSync(stagingDir(SCRIPT, h.opts))).toBe(false);
    expect(readFileSync(h.path).equals(SCRIPT)).toBe(true);
    // A different file at the target is never taken for the script.
    writeFileSync(h.path, 'other\n');
    if (cmds.length === 1) {
      // The one command carries the whole script: it installs it again.
      expect(sendAll(shell, [final])[0].last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
      expect(readFileSync(h.path).equals(SCRIPT)).toBe(true);
    } else if (!helperMode) {
      expect(sendAll(shell, [final])[0].last).toMatch(/^LINUS_UPLOAD:FAILED:missing chunks/);
      expect(readFileSync(h.path, 'utf8')).toBe('other\n');
    }
  });

  it.each(SHELLS)('a corrupted chunk fails at once naming its line, keeps nothing; re-sending that line repairs it (%s)', (shell) => {
    const h = host(limit);
    writeFileSync(h.path, 'previous\n', { mode: 0o644 });
    const cmds = commands(SCRIPT, h.opts);
    // A data chunk in the middle (with helper chunks at small limits: the first).
    const k = cmds.length === 1 || /;sh h$/.test(cmds[cmds.length - 1]) ? 1 : 1 + Math.floor((cmds.length - 1) / 2);
    const badRun = sendAll(shell, [corrupt(cmds[k - 1])])[0];
    expect(badRun.last).toBe(`LINUS_UPLOAD:FAILED:chunk ${k} corrupt: re-send line ${k}`);
    expect(badRun.code).not.toBe(0);
    expect(existsSync(join(stagingDir(SCRIPT, h.opts), String(k)))).toBe(false);
    expect(readFileSync(h.path, 'utf8')).toBe('previous\n');
    if (cmds.length > 1 && !/;sh h$/.test(cmds[cmds.length - 1])) {
      // Every other line sent: the last line names the one chunk still missing.
      const rest = sendAll(shell, cmds.filter((_, i) => i + 1 !== k)).pop() as Run;
      expect(rest.last).toBe(`LINUS_UPLOAD:FAILED:missing chunks ${k}: re-send lines ${k}, then this line`);
      expect(rest.code).not.toBe(0);
      expect(readFileSync(h.path, 'utf8')).toBe('previous\n');
      // The last line's own data corrupted, as well as a missing chunk: both named.
      const final = cmds[cmds.length - 1];
      const both = sendAll(shell, [corrupt(final)])[0];
      expect(both.last).toBe(`LINUS_UPLOAD:FAILED:missing chunks ${k}, chunk ${cmds.length} corrupt: re-send lines ${k}, then this line`);
      expect(sendAll(shell, [cmds[k - 1]])[0].last).toBe(`LINUS_UPLOAD:CHUNK:${k}/${cmds.length}`);
      const own = sendAll(shell, [corrupt(final)])[0];
      expect(own.last).toBe(`LINUS_UPLOAD:FAILED:chunk ${cmds.length} corrupt: re-send line ${cmds.length}`);
      expect(own.code).not.toBe(0);
      expect(mode(h.path)).toBe(0o644);
      expect(others(h.dir, ['linus-provision-proxmox.sh'])).toEqual([]);
      expect(sendAll(shell, [final])[0].last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    } else {
      expect((sendAll(shell, cmds).pop() as Run).last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    }
    expect(readFileSync(h.path).equals(SCRIPT)).toBe(true);
  });

  it.each(SHELLS)('a corrupted check number fails that line too (%s)', (shell) => {
    const h = host(limit);
    const cmds = commands(SCRIPT, h.opts);
    const c = cmds[0].replace(/-qx '(\d)/, (_m, d: string) => `-qx '${d === '1' ? '2' : '1'}`);
    expect(c).not.toBe(cmds[0]);
    const r = sendAll(shell, [c])[0];
    expect(r.last).toBe('LINUS_UPLOAD:FAILED:chunk 1 corrupt: re-send line 1');
    expect(r.code).not.toBe(0);
    expect(existsSync(h.path)).toBe(false);
  });

  it.each(SHELLS)('a remote path with spaces and quotes (%s)', (shell) => {
    const h = host(limit, `it's a "test" $(id) \\ .sh`);
    const r = sendAll(shell, commands(SCRIPT, h.opts)).pop() as Run;
    expect(r.last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    expect(readFileSync(h.path).equals(SCRIPT)).toBe(true);
    expect(mode(h.path)).toBe(0o700);
  });

  it.each(SHELLS)('a symlink planted at the remote path is replaced, never followed (%s)', (shell) => {
    const h = host(limit);
    const victim = join(h.dir, 'victim');
    writeFileSync(victim, 'victim\n');
    symlinkSync(victim, h.path);
    expect((sendAll(shell, commands(SCRIPT, h.opts)).pop() as Run).last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    expect(lstatSync(h.path).isSymbolicLink()).toBe(false);
    expect(readFileSync(h.path).equals(SCRIPT)).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('victim\n');
    // A symlink to a directory: `mv` must not move the script into it.
    const h2 = host(limit);
    const vdir = join(h2.dir, 'vdir');
    mkdirSync(vdir);
    symlinkSync(vdir, h2.path);
    expect((sendAll(shell, commands(SCRIPT, h2.opts)).pop() as Run).last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    expect(lstatSync(h2.path).isFile()).toBe(true);
    expect(readdirSync(vdir)).toEqual([]);
  });

  it.each(SHELLS)('work as an unprivileged user (%s)', (shell) => {
    const h = host(limit);
    chmodSync(h.dir, 0o777);
    const rs = sendAll(shell, commands(SCRIPT, h.opts), true);
    expect(rs[rs.length - 1].last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT)}`);
    expect(statSync(h.path).uid).toBe(NOBODY);
    expect(mode(h.path)).toBe(0o700);
    expect(readFileSync(h.path).equals(SCRIPT)).toBe(true);
  });

  it.each(SHELLS)("refuse a staging directory that is another user's or a symlink (%s)", (shell) => {
    const h = host(limit);
    const cmds = commands(SCRIPT, h.opts);
    const staging = stagingDir(SCRIPT, h.opts);
    mkdirSync(staging, { mode: 0o777 });
    chmodSync(staging, 0o777);
    const rs = sendAll(shell, cmds, true);
    expect(rs.every((r) => r.last.startsWith('LINUS_UPLOAD:FAILED:') && r.code !== 0)).toBe(true);
    expect(existsSync(h.path)).toBe(false);
    rmSync(staging, { recursive: true });
    const elsewhere = join(T, `elsewhere${n}`);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, staging);
    const rs2 = sendAll(shell, cmds);
    expect(rs2.every((r) => r.last.startsWith('LINUS_UPLOAD:FAILED:') && r.code !== 0)).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(h.path)).toBe(false);
  });
});

describe('upload commands, sizes', () => {
  it('a 500 KB bundle of incompressible-ish text stays under 100,000 characters a command and installs', () => {
    const script = incompressible(500_000);
    const h = host(undefined);
    const cmds = commands(script, h.opts);
    expect(Math.max(...cmds.map((c) => c.length))).toBeLessThanOrEqual(100_000);
    expect(cmds.length).toBeLessThanOrEqual(8);
    const r = sendAll('dash', cmds).pop() as Run;
    expect(r.last).toBe(`LINUS_UPLOAD:OK:${sha(script)}`);
    expect(readFileSync(h.path).equals(script)).toBe(true);
  });

  it('a large bundle at --max-chars 400 still works', () => {
    const script = incompressible(6000);
    const h = host(400);
    const cmds = commands(script, h.opts);
    expect(Math.max(...cmds.map((c) => c.length))).toBeLessThanOrEqual(400);
    expect((sendAll('dash', cmds).pop() as Run).last).toBe(`LINUS_UPLOAD:OK:${sha(script)}`);
  });

  it.each(SHELLS)('a limit of 350 installs too (%s)', (shell) => {
    const h = host(350);
    const cmds = commands(SCRIPT.subarray(0, 3000), h.opts);
    expect(Math.max(...cmds.map((c) => c.length))).toBeLessThanOrEqual(350);
    expect((sendAll(shell, cmds).pop() as Run).last).toBe(`LINUS_UPLOAD:OK:${sha(SCRIPT.subarray(0, 3000))}`);
  });

  it.each([undefined, 5000, 1000])('total characters at --max-chars %s are at most 0.40 of plain base64', (limit) => {
    const s = uploadStats(SCRIPT, makeUploadCommands(SCRIPT, { maxChars: limit }));
    expect(s.ratio).toBeLessThanOrEqual(0.4);
    expect(s.maxCommandChars).toBeLessThanOrEqual(limit ?? 100_000);
    if (limit === undefined) expect(s.commands).toBe(1);
  });

  it('is deterministic: xz by default, gzip on request with no name and no time in its header', () => {
    const a = makeUploadCommands(SCRIPT, {});
    expect(makeUploadCommands(Buffer.from(SCRIPT), {})).toEqual(a);
    const payload = (cmds: string[]): Buffer => Buffer.from(/printf %s ([A-Za-z0-9+/=]+)>/.exec(cmds[cmds.length - 1])?.[1] ?? '', 'base64');
    expect(payload(a).subarray(0, 6).toString('hex')).toBe('fd377a585a00'); // the xz magic
    const gz = payload(makeUploadCommands(SCRIPT, { compress: 'gzip' }));
    expect(gz.subarray(0, 3).toString('hex')).toBe('1f8b08');
    expect(gz[3]).toBe(0); // FLG: no FNAME, no FEXTRA, no FCOMMENT
    expect(gz.readUInt32LE(4)).toBe(0); // MTIME
  });

  it('refuses a limit too small, a relative remote path and one with a line break', () => {
    expect(() => makeUploadCommands(SCRIPT, { maxChars: 120 })).toThrow(/too small/);
    expect(() => makeUploadCommands(SCRIPT, { remotePath: 'x.sh' })).toThrow(/absolute/);
    expect(() => makeUploadCommands(SCRIPT, { remotePath: '/tmp/a\nb' })).toThrow(/line break/);
  });
});
