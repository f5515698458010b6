// `linus build` outputs: files and their contents, determinism, truncation safety, the line map at
// run time, and the shellcheck gate.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle, BUNDLE_NAME, CheckError } from '../build/compiler/index.js';
import { ENTRY_TAIL, FIXTURES, project, runBash, tempDir } from './compiler-helpers.js';

const quiet = (): void => undefined;
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

describe('build outputs', () => {
  const out = tempDir();
  const r = buildBundle({ root: join(FIXTURES, 'forms'), out, log: quiet });
  const bundle = readFileSync(join(out, BUNDLE_NAME));

  it('writes the bundle (mode 755), its sha256 line and the manifest', () => {
    expect(statSync(join(out, BUNDLE_NAME)).mode & 0o777).toBe(0o755);
    expect(bundle.toString('utf8')).toBe(r.bundle);
    expect(readFileSync(join(out, `${BUNDLE_NAME}.sha256`), 'utf8')).toBe(`${sha(bundle)}  ${BUNDLE_NAME}\n`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.name).toBe(BUNDLE_NAME);
    expect(manifest.version).toBe('0.1.0');
    expect(manifest.sha256).toBe(sha(bundle));
    expect(manifest.bytes).toBe(bundle.length);
    const sources = manifest.sources as { path: string; sha256: string; lines: number }[];
    expect(sources.map((s) => s.path)).toEqual(r.sources.map((s) => s.path));
    for (const s of sources) {
      const text = readFileSync(join(FIXTURES, 'forms', s.path));
      expect(s.sha256).toBe(sha(text));
      expect(s.lines).toBe(text.toString('utf8').split('\n').length - 1);
    }
    expect(manifest.sourcesSha256).toBe(sha(sources.map((s) => `${s.path}\0${s.sha256}\n`).join('')));
    expect(JSON.stringify(manifest)).not.toMatch(/20\d\d-\d\d-\d\d/);
  });

  it('is deterministic: a second build is byte-identical', () => {
    const out2 = tempDir();
    buildBundle({ root: join(FIXTURES, 'forms'), out: out2, log: quiet });
    for (const f of [BUNDLE_NAME, `${BUNDLE_NAME}.sha256`, 'manifest.json']) {
      expect(readFileSync(join(out2, f)).equals(readFileSync(join(out, f)))).toBe(true);
    }
  });

  it('a bundle cut short anywhere does no work', () => {
    const text = bundle.toString('utf8');
    const cuts = new Set<number>();
    for (let i = 0; i < text.length; i += 11) cuts.add(i);
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') [i, i + 1].forEach((c) => cuts.add(c));
    const tailStart = text.lastIndexOf('\n', text.length - 2) - 400;
    for (let i = Math.max(0, tailStart); i < text.length - 1; i++) cuts.add(i);
    cuts.delete(text.length);
    cuts.delete(text.length - 1); // only the final newline missing: the whole script is there
    const dir = tempDir();
    const marker = join(dir, 'marker');
    let ran = 0;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      const res = runBash(text.slice(0, cut), dir, [], { FX_MARKER: marker });
      expect(existsSync(marker), `cut at byte ${cut} did work: ${JSON.stringify(text.slice(Math.max(0, cut - 40), cut))}`).toBe(false);
      expect(res.stdout, `cut at byte ${cut} printed`).toBe('');
      ran++;
    }
    expect(ran).toBeGreaterThan(200);
    const full = runBash(text, dir, [], { FX_MARKER: marker });
    expect(full.status).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});

describe('the line map at run time', () => {
  const out = tempDir();
  const r = buildBundle({ root: join(FIXTURES, 'linemap'), out, log: quiet });
  const work = readFileSync(join(FIXTURES, 'linemap/lib/work.sh'), 'utf8').split('\n');
  const main = readFileSync(join(FIXTURES, 'linemap/actions/main.sh'), 'utf8').split('\n');
  const lineOf = (lines: string[], text: string): number => lines.findIndex((l) => l.trim() === text) + 1;

  it.each([
    ['fail', 'lib/work.sh', lineOf(work, 'false')],
    ['', 'lib/work.sh', lineOf(work, 'ls /nonexistent/linus-fixture')],
    ['main', 'actions/main.sh', lineOf(main, 'false')],
  ])('an ERR trap names the failing source line (mode %j)', (mode, file, line) => {
    expect(line).toBeGreaterThan(0);
    const res = runBash(r.bundle, tempDir(), mode ? [mode] : []);
    expect(res.status).toBe(5);
    expect(res.stderr.split('\n').filter((l) => l.startsWith('ERR at '))).toEqual([`ERR at ${file}:${line}`]);
  });
});

describe('checks on the bundle', () => {
  it('a shellcheck finding fails the build, names the source line, and leaves no bundle', () => {
    const root = project({
      'actions/main.sh': '#!/usr/bin/env bash\nset -eu\n# shellcheck source=../lib/x.sh\nsource ../lib/x.sh\n' + ENTRY_TAIL,
      'lib/x.sh': '#!/usr/bin/env bash\n# a library\nfx_x() {\n  echo $1\n}\n',
    });
    const logged: string[] = [];
    const out = join(root, 'dist');
    let err: unknown;
    try {
      buildBundle({ root, log: (l) => logged.push(l) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CheckError);
    expect((err as CheckError).message).toMatch(/^shellcheck: 1 finding\(s\) in the bundle, first: lib\/x\.sh:4:8: info SC2086/);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^lib\/x\.sh:4:8: shellcheck: info SC2086: /);
    expect(existsSync(join(out, BUNDLE_NAME))).toBe(false);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    rmSync(root, { recursive: true, force: true });
  });

  it('a file-wide shellcheck directive still covers its whole file, and only that file', () => {
    const lib = (directive: string): string => `#!/usr/bin/env bash\n# shellcheck shell=bash\n${directive}\n# a library\n` +
      'fx_a() { :; }\nfx_b() {\n  FX_UNUSED_B=1\n}\n';
    const files = (directive: string): Record<string, string> => ({
      'actions/main.sh': '#!/usr/bin/env bash\nset -eu\nsource ../lib/x.sh\nsource ../lib/y.sh\n' + ENTRY_TAIL,
      'lib/x.sh': lib(directive),
      'lib/y.sh': '#!/usr/bin/env bash\nfx_y() {\n  FX_UNUSED_Y=1\n}\n',
    });
    const logged: string[] = [];
    expect(() => buildBundle({ root: project(files('# shellcheck disable=SC2034 # globals for others')), log: (l) => logged.push(l) }))
      .toThrow(CheckError);
    expect(logged.map((l) => l.replace(/: shellcheck:.*/, ''))).toEqual(['lib/y.sh:3:3']);
    logged.length = 0;
    expect(() => buildBundle({ root: project(files('# no directive')), log: (l) => logged.push(l) })).toThrow(CheckError);
    expect(logged.map((l) => l.replace(/: shellcheck:.*/, ''))).toEqual(['lib/x.sh:7:3', 'lib/y.sh:3:3']);
  });

  it('a clean build passes bash -n and shellcheck', () => {
    const out = tempDir();
    expect(() => buildBundle({ root: join(FIXTURES, 'forms'), out, log: quiet })).not.toThrow();
  });
});
