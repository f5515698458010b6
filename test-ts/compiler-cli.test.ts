// The real `npm run build` on this repository, and `linus build` as a command.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeUploadCommands } from '../build/upload/index.js';
import { ENTRY_TAIL, FIXTURES, REPO, project, tempDir } from './compiler-helpers.js';

const dist = (f: string): string => join(REPO, 'dist', f);
const cli = (args: string[], cwd = REPO): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [dist('cli.js'), ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

function uploadImplemented(): boolean {
  try {
    makeUploadCommands(Buffer.from('echo hi\n'));
    return true;
  } catch (err) {
    if (err instanceof Error && /not implemented/i.test(err.message)) return false;
    throw err;
  }
}

describe('npm run build', () => {
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });

  it('succeeds and writes the CONTRACT §1 files', () => {
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(r.status, r.stderr).toBe(0);
    const bundle = readFileSync(dist('linus-provision-proxmox.sh'));
    expect(statSync(dist('linus-provision-proxmox.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(dist('cli.js')).isFile()).toBe(true);
    const hex = createHash('sha256').update(bundle).digest('hex');
    expect(readFileSync(dist('linus-provision-proxmox.sh.sha256'), 'utf8')).toBe(`${hex}  linus-provision-proxmox.sh\n`);
    const manifest = JSON.parse(readFileSync(dist('manifest.json'), 'utf8')) as { sha256: string; bytes: number; sources: { path: string }[] };
    expect(manifest.sha256).toBe(hex);
    expect(manifest.bytes).toBe(bundle.length);
    expect(manifest.sources[0].path).toBe('actions/main.sh');
    const text = bundle.toString('utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).not.toMatch(/^\s*(source|\.)\s+"?\$/m); // sources no file
    if (uploadImplemented()) {
      const lines = readFileSync(dist('upload.txt'), 'utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(100_000);
    } else {
      expect(existsSync(dist('upload.txt'))).toBe(false);
    }
  });

  it('the bundle passes bash -n', () => {
    expect(spawnSync('bash', ['-n', dist('linus-provision-proxmox.sh')]).status).toBe(0);
  });
});

describe('linus build (CLI)', () => {
  it('builds a fixture with --root and --out', () => {
    const out = tempDir();
    const r = cli(['build', '--root', join(FIXTURES, 'forms'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(existsSync(join(out, 'linus-provision-proxmox.sh'))).toBe(true);
  });

  it('a compile error is one line `linus: file:line: ...`, exit 1', () => {
    const root = project({ 'actions/main.sh': `#!/usr/bin/env bash\nsource "$HOME/x.sh"\n${ENTRY_TAIL}` });
    const r = cli(['build', '--root', root]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^linus: actions\/main\.sh:2: unsupported source path "\$HOME\/x\.sh": .*\n$/);
  });

  it('a shellcheck finding lists each finding, then one error line, exit 1', () => {
    const root = project({ 'actions/main.sh': `#!/usr/bin/env bash\nfx_x() { echo $1; }\n${ENTRY_TAIL}` });
    const r = cli(['build', '--root', root]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^actions\/main\.sh:2:15: shellcheck: info SC2086: .*\nlinus: shellcheck: 1 finding\(s\) in the bundle/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('--help describes the options; unknown commands and options fail', () => {
    const help = cli(['build', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--entry/);
    expect(help.stdout).toMatch(/--out/);
    expect(help.stdout).toMatch(/--root/);
    const bogus = cli(['bogus']);
    expect(bogus.status).not.toBe(0);
    expect(bogus.stderr).toMatch(/^linus: /);
    expect(cli(['build', '--bogus']).status).toBe(1);
    const missing = cli(['build', '--entry', 'nope.sh', '--root', tempDir()]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('linus: entry not found: nope.sh\n');
  });
});
