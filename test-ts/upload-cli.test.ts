// `linus upload` on the command line: --line K, --count, bad --max-chars / --line values, and
// a reader that closes the pipe early (`| head -3`).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli } from './helpers/cli.js';

const dir = mkdtempSync('/tmp/linus-upload-cli-');
const script = join(dir, 'bundle.sh');
// Random hex: compresses to about half, so --max-chars 1000 gives a few dozen lines.
writeFileSync(script, `#!/usr/bin/env bash\n# ${Array.from({ length: 2000 }, (_, i) => ((i * 7919) % 65536).toString(16)).join(' ')}\n{ :; }\n`);

describe('linus upload on the command line', () => {
  const all = runCli(['upload', '--script', script, '--max-chars', '1000']);
  const lines = all.stdout.split('\n').filter(Boolean);

  it('--count prints the number of lines, --line K prints line K alone', () => {
    expect(all.code).toBe(0);
    expect(lines.length).toBeGreaterThan(2);
    const count = runCli(['upload', '--script', script, '--max-chars', '1000', '--count']);
    expect(count).toEqual({ code: 0, stdout: `${lines.length}\n`, stderr: '' });
    for (const k of [1, lines.length]) {
      const one = runCli(['upload', '--script', script, '--max-chars', '1000', '--line', String(k)]);
      expect(one).toEqual({ code: 0, stdout: `${lines[k - 1]}\n`, stderr: '' });
    }
  }, 120_000);

  it.each([
    [['--max-chars', '-5'], /^linus: --max-chars must be a positive whole number or 'none' \(no limit\), got '-5'\n$/],
    [['--max-chars', '0'], /^linus: --max-chars must be a positive whole number .* got '0'\n$/],
    [['--max-chars', 'abc'], /^linus: --max-chars must be a positive whole number .* got 'abc'\n$/],
    [['--line', '0'], /^linus: --line must be a whole number of at least 1, got '0'\n$/],
    [['--line', 'x'], /^linus: --line must be a whole number of at least 1, got 'x'\n$/],
    [['--line', '100000'], /^linus: --line 100000 is past the last command: there are \d+ \(linus upload --count\)\n$/],
    [['--max-chars', '100'], /^linus: --max-chars 100 is too small/],
  ])('%j is an error: one line, exit 1, nothing on stdout', (args, msg) => {
    const r = runCli(['upload', '--script', script, ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(msg);
  }, 60_000);

  it('`linus upload | head -3` ends quietly: exit 0, no EPIPE trace', () => {
    // Far more than a pipe buffer (64 KiB), so the write really meets the closed pipe.
    const big = join(dir, 'big.sh');
    writeFileSync(big, `# ${randomBytes(60_000).toString('hex')}\n`);
    const cli = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(join(REPO, 'build/cli.ts'))}`;
    const r = spawnSync('bash', ['-c', `${cli} upload --script ${big} --max-chars 400 | head -3; echo "exit:\${PIPESTATUS[0]}"`], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    const out = r.stdout.split('\n').filter(Boolean);
    expect(out).toHaveLength(4);
    expect(out[3]).toBe('exit:0');
  }, 60_000);
});
