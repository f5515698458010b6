// `linus upload --from-url`: the one line run under dash and bash against an HTTP server on
// 127.0.0.1 that this file starts and stops; and the decompressor fallback of the chunk path,
// with PATH holding only the tools named (so a host without curl, xz... is a real one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { FROM_URL_MAX_CHARS, makeFromUrlCommand, makeUploadCommands, stagingDir } from '../build/upload/index.js';
import { runCli } from './helpers/cli.js';

// ssh-mcp 2's own command classifier (it ships no types: the one function used is typed here).
const CLASSIFIER: string = '../node_modules/ssh-mcp/build/policy/classifier.js';
const { classifyCommand } = (await import(CLASSIFIER)) as { classifyCommand: (cmd: string) => { class: string } };
const SHELLS = ['dash', 'bash'] as const;
const BUNDLE = Buffer.from(`#!/usr/bin/env bash\n${'echo "linus test bundle line"\n'.repeat(400)}{ :; }\n`);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let T = '';
let server: Server;
let base = '';

/** A directory of links to the named programs only: PATH for a host that has just these. */
function toolDir(name: string, tools: string[]): string {
  const dir = join(T, `bin-${name}`);
  mkdirSync(dir);
  for (const t of tools) {
    const p = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
    if (!p) throw new Error(`${t} is not installed here`);
    symlinkSync(p, join(dir, t));
  }
  return dir;
}

const BASE_TOOLS = ['mktemp', 'wc', 'sha256sum', 'chmod', 'mv', 'rm', 'cat'];
let PATHS: Record<'both' | 'wget' | 'none', string>;

/** Runs one line as `SHELL -c LINE` (async: the server answers from this same process). */
function run(shell: string, line: string, path: string): Promise<{ code: number; out: string; last: string }> {
  return new Promise((resolve) => {
    const abs = spawnSync('sh', ['-c', `command -v ${shell}`], { encoding: 'utf8' }).stdout.trim();
    execFile(abs, ['-c', line], { cwd: '/', env: { PATH: path, HOME: '/nonexistent' }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      expect(stderr).toBe('');
      const lines = stdout.split('\n').filter((l) => l !== '');
      resolve({ code, out: stdout, last: lines[lines.length - 1] ?? '' });
    });
  });
}

let n = 0;
function host(): { dir: string; path: string } {
  const dir = join(T, `host${++n}`);
  mkdirSync(dir);
  return { dir, path: join(dir, 'linus-provision-proxmox.sh') };
}

beforeAll(async () => {
  T = mkdtempSync('/tmp/linus-from-url-test-');
  PATHS = {
    both: toolDir('both', [...BASE_TOOLS, 'curl', 'wget']),
    wget: toolDir('wget', [...BASE_TOOLS, 'wget']),
    none: toolDir('none', BASE_TOOLS),
  };
  const other = Buffer.from(BUNDLE);
  other[100] ^= 1;
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url.startsWith('/good/')) res.end(BUNDLE);
    else if (url === '/wrong') res.end(other); // same size, one bit off: only the sha256 tells
    else if (url === '/short') res.end(BUNDLE.subarray(0, 1000)); // a complete reply, but not the bundle
    else if (url === '/redirect') {
      res.writeHead(302, { Location: '/good/linus-provision-proxmox.sh' });
      res.end();
    } else if (url === '/truncated') {
      // Content-Length says the whole bundle; half of it comes, then the connection closes.
      res.writeHead(200, { 'Content-Length': String(BUNDLE.length) });
      res.write(BUNDLE.subarray(0, BUNDLE.length >> 1), () => res.socket?.destroy());
    } else {
      res.writeHead(404);
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
  if (T) rmSync(T, { recursive: true, force: true });
});

describe('upload --from-url', () => {
  it('is one line under 1,000 characters, pinned to the bundle sha256 and size', () => {
    const line = makeFromUrlCommand(BUNDLE, { url: `${base}/good/x.sh` });
    expect(line).not.toMatch(/[\r\n]/);
    expect(line.length).toBeLessThanOrEqual(FROM_URL_MAX_CHARS);
    expect(line).toContain(`h=${sha(BUNDLE)}`);
    expect(line).toContain(`b=${BUNDLE.length}`);
    expect(line.startsWith('exec 2>&1;')).toBe(true);
    expect(line).not.toMatch(/\beval\b|\|\s*(sh|bash|dash)\b/);
    expect(['safe', 'read-only']).toContain(classifyCommand(line).class);
  });

  it('refuses a URL that is not http(s), holds spaces, or makes the line too long', () => {
    expect(() => makeFromUrlCommand(BUNDLE, { url: 'ftp://x/y' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => makeFromUrlCommand(BUNDLE, { url: 'https://x/a b' })).toThrow(/spaces/);
    expect(() => makeFromUrlCommand(BUNDLE, { url: `https://x/${'a'.repeat(600)}` })).toThrow(/over 1000/);
    expect(() => makeFromUrlCommand(BUNDLE, { url: 'https://x/y', remotePath: 'rel.sh' })).toThrow(/absolute/);
  });

  describe.each(SHELLS)('under %s', (shell) => {
    it.each(['both', 'wget'] as const)('installs the good file, mode 0700, nothing else left (tools: %s)', async (tools) => {
      const h = host();
      const r = await run(shell, makeFromUrlCommand(BUNDLE, { url: `${base}/good/linus-provision-proxmox.sh`, remotePath: h.path }), PATHS[tools]);
      expect(r.last).toBe(`LINUS_UPLOAD:OK:${sha(BUNDLE)}`);
      expect(r.code).toBe(0);
      expect(readFileSync(h.path).equals(BUNDLE)).toBe(true);
      expect(statSync(h.path).mode & 0o7777).toBe(0o700);
      expect(readdirSync(h.dir)).toEqual(['linus-provision-proxmox.sh']);
    });

    it('follows a redirect (release downloads redirect)', async () => {
      const h = host();
      const r = await run(shell, makeFromUrlCommand(BUNDLE, { url: `${base}/redirect`, remotePath: h.path }), PATHS.both);
      expect(r.last).toBe(`LINUS_UPLOAD:OK:${sha(BUNDLE)}`);
    });

    const failures: [string, string, keyof typeof PATHS, RegExp][] = [
      ['a 404 (curl)', '/missing', 'both', /^LINUS_UPLOAD:FAILED:download failed: curl exit 22, HTTP 404$/],
      ['a 404 (wget)', '/missing', 'wget', /^LINUS_UPLOAD:FAILED:download failed: wget exit 8$/],
      ['a truncated body (curl)', '/truncated', 'both', /^LINUS_UPLOAD:FAILED:download failed: curl exit 18, HTTP 200$/],
      ['a truncated body (wget)', '/truncated', 'wget', /^LINUS_UPLOAD:FAILED:(download failed: wget exit \d+|truncated or not this bundle: \d+ of \d+ bytes)$/],
      ['another file of another size', '/short', 'both', /^LINUS_UPLOAD:FAILED:truncated or not this bundle: 1000 of \d+ bytes$/],
      ['a wrong file (sha256 mismatch)', '/wrong', 'both', /^LINUS_UPLOAD:FAILED:sha256 mismatch: not the bundle of this linus version$/],
      ['no curl and no wget', '/good/x.sh', 'none', /^LINUS_UPLOAD:FAILED:no curl or wget here: use scp or linus upload$/],
      ['nothing listening', 'closed', 'both', /^LINUS_UPLOAD:FAILED:download failed: curl exit 7, HTTP 000$/],
    ];
    it.each(failures)('%s: FAILED, non-zero, the old file untouched, no temp file', async (_what, route, tools, reason) => {
      const h = host();
      writeFileSync(h.path, 'previous\n', { mode: 0o644 });
      const url = route === 'closed' ? 'http://127.0.0.1:9/x.sh' : `${base}${route}`;
      const r = await run(shell, makeFromUrlCommand(BUNDLE, { url, remotePath: h.path }), PATHS[tools]);
      expect(r.last).toMatch(reason);
      expect(r.code).toBe(1);
      expect(readFileSync(h.path, 'utf8')).toBe('previous\n');
      expect(statSync(h.path).mode & 0o7777).toBe(0o644);
      expect(readdirSync(h.dir)).toEqual(['linus-provision-proxmox.sh']);
      // With nothing at the target before, nothing is there after.
      const h2 = host();
      const r2 = await run(shell, makeFromUrlCommand(BUNDLE, { url, remotePath: h2.path }), PATHS[tools]);
      expect(r2.code).toBe(1);
      expect(readdirSync(h2.dir)).toEqual([]);
    });

    it('a symlink planted at the target is replaced, never followed', async () => {
      const h = host();
      const victim = join(h.dir, 'victim');
      writeFileSync(victim, 'victim\n');
      symlinkSync(victim, h.path);
      const r = await run(shell, makeFromUrlCommand(BUNDLE, { url: `${base}/good/x.sh`, remotePath: h.path }), PATHS.both);
      expect(r.last).toBe(`LINUS_UPLOAD:OK:${sha(BUNDLE)}`);
      expect(lstatSync(h.path).isSymbolicLink()).toBe(false);
      expect(readFileSync(h.path).equals(BUNDLE)).toBe(true);
      expect(readFileSync(victim, 'utf8')).toBe('victim\n');
      expect(readdirSync(h.dir).sort()).toEqual(['linus-provision-proxmox.sh', 'victim']);
    });

    it('a target directory that does not exist: FAILED, nothing written', async () => {
      const h = host();
      const r = await run(shell, makeFromUrlCommand(BUNDLE, { url: `${base}/good/x.sh`, remotePath: join(h.dir, 'no/x.sh') }), PATHS.both);
      expect(r.last).toMatch(/^LINUS_UPLOAD:FAILED:cannot write beside /);
      expect(r.code).toBe(1);
      expect(readdirSync(h.dir)).toEqual([]);
    });
  });

  it('linus upload --from-url prints that one line; --line with it is refused', () => {
    const script = join(T, 'bundle.sh');
    writeFileSync(script, BUNDLE);
    const r = runCli(['upload', '--script', script, '--from-url', 'https://github.com/o/linus-provision/releases/download/v0.1.0/linus-provision-proxmox.sh']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stdout).toContain(`h=${sha(BUNDLE)}`);
    const bad = runCli(['upload', '--script', script, '--from-url', 'https://x/y', '--line', '1']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
  }, 120_000);
});

describe('the chunk path on hosts with fewer decompressors', () => {
  const CHUNK_TOOLS = ['mkdir', 'cksum', 'grep', 'rm', 'sha256sum', 'seq', 'mktemp', 'cat', 'base64', 'chmod', 'mv', 'rmdir', 'id', 'sh'];

  async function upload(shell: string, path: string, compress: 'xz' | 'gzip'): Promise<{ last: string; code: number; target: string }> {
    const h = host();
    let last = { code: 0, out: '', last: '' };
    for (const c of makeUploadCommands(BUNDLE, { maxChars: 1000, remotePath: h.path, compress })) last = await run(shell, c, path);
    return { last: last.last, code: last.code, target: h.path };
  }

  it.each(SHELLS)('xz payload: zstd decodes it where xz is missing; neither: FAILED, nothing installed (%s)', async (shell) => {
    const zstdOnly = toolDir(`zstd-${shell}`, [...CHUNK_TOOLS, 'zstd']);
    const ok = await upload(shell, zstdOnly, 'xz');
    expect(ok.last).toBe(`LINUS_UPLOAD:OK:${sha(BUNDLE)}`);
    expect(readFileSync(ok.target).equals(BUNDLE)).toBe(true);
    const xzOnly = toolDir(`xz-${shell}`, [...CHUNK_TOOLS, 'xz']);
    expect((await upload(shell, xzOnly, 'xz')).last).toBe(`LINUS_UPLOAD:OK:${sha(BUNDLE)}`);
    const bare = toolDir(`bare-${shell}`, [...CHUNK_TOOLS, 'gzip']);
    const no = await upload(shell, bare, 'xz');
    expect(no.last).toBe('LINUS_UPLOAD:FAILED:no xz or zstd here: use linus upload --compress gzip');
    expect(no.code).toBe(1);
    expect(existsSync(no.target)).toBe(false);
    expect(readdirSync(join(no.target, '..'))).toEqual([]);
    rmSync(stagingDir(BUNDLE, { maxChars: 1000, remotePath: no.target, compress: 'xz' }), { recursive: true, force: true });
    // --compress gzip needs only gzip.
    const gz = await upload(shell, bare, 'gzip');
    expect(gz.last).toBe(`LINUS_UPLOAD:OK:${sha(BUNDLE)}`);
    expect(readFileSync(gz.target).equals(BUNDLE)).toBe(true);
  }, 120_000);
});
