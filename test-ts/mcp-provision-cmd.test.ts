// `linus provision-cmd`: options checked by the bundle's own validators (check-options), the
// validator's message and exit 1 on a bad value, else exactly one run line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, runCli } from './helpers/cli.js';
import { splitProvisionArgs } from '../build/commands/provision-cmd.js';

let dir = '';
let fake = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'linus-pcmd-'));
  fake = join(dir, 'fake-bundle.sh');
  // Stands in for the bundle's check-options: records what it got, fails on --cores 0.
  writeFileSync(fake, [
    '#!/bin/bash',
    `printf '%s\\n' "$@" > ${join(dir, 'args')}`,
    `env > ${join(dir, 'env')}`,
    'if [[ " $* " == *" --cores 0 "* ]]; then',
    '  echo LINUS_RESULT:FAILURE; echo LINUS_ERROR_CODE:1; echo "LINUS_ERROR:--cores must be 1 .. the node\'s CPU count, got 0"',
    '  echo "LINUS_REMEDIATION:pass --cores N"; exit 1',
    'fi',
    'echo LINUS_RESULT:VALID',
    '',
  ].join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('provision-cmd argument split', () => {
  it('takes --remote-path and --bundle, passes everything else as given', () => {
    expect(splitProvisionArgs(['--name', 'web1', '--remote-path', '/tmp/p.sh', '--memory=8G', '--bundle=/b.sh', '--dry-run'])).toEqual({
      remotePath: '/tmp/p.sh', bundle: '/b.sh', rest: ['--name', 'web1', '--memory=8G', '--dry-run'],
    });
    expect(splitProvisionArgs(['--', '--name', 'a b'])).toEqual({ rest: ['--name', 'a b'] });
    expect(() => splitProvisionArgs(['destroy', '105'])).toThrow(/provision options only/);
    expect(() => splitProvisionArgs(['--remote-path'])).toThrow(/needs a value/);
    expect(splitProvisionArgs(['--foreground', '--key', '/k', '--no-user-key', '--sudo', '--max-chars', 'none', '--cores', '2'])).toEqual({
      foreground: true, key: '/k', noUserKey: true, sudo: true, maxChars: undefined, rest: ['--cores', '2'],
    });
    expect(() => splitProvisionArgs(['--max-chars', '-5'])).toThrow(/positive whole number/);
  });
});

describe('provision-cmd with a stand-in bundle', () => {
  it("a bad value: the validator's message, exit 1, nothing on stdout", () => {
    const r = runCli(['provision-cmd', '--bundle', fake, '--name', 'web1', '--cores', '0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("linus: --cores must be 1 .. the node's CPU count, got 0\n");
  });
  it('the check runs with a clean environment (no VM_* of this machine)', () => {
    runCli(['provision-cmd', '--bundle', fake, '--cores', '0', '--no-user-key'], { env: { ...process.env, VM_NAME: 'leak', VM_RAM: '1' } });
    const env = spawnSync('cat', [join(dir, 'env')], { encoding: 'utf8' }).stdout;
    expect(env).not.toMatch(/^VM_/m);
    const args = spawnSync('cat', [join(dir, 'args')], { encoding: 'utf8' }).stdout;
    // provision-cmd starts provisions detached by default: the check sees --detach too
    expect(args).toBe('check-options\n--cores\n0\n--detach\n');
  });
  it('no bundle: one line, exit 1', () => {
    const r = runCli(['provision-cmd', '--bundle', join(dir, 'none.sh'), '--name', 'web1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^linus: no bundle at [^\n]+\n$/);
  });
});

describe('provision-cmd with the real bundle (dist/, from npm run build)', () => {
  const bundle = join(REPO, 'dist', 'linus-provision-proxmox.sh');
  const bad: Array<[string[], RegExp]> = [
    [['--memory', '100'], /memory/i],
    [['--name', 'web_1!'], /name/i],
    [['--vlan', '5000'], /vlan/i],
    [['--ip', '10.0.0.5/24'], /gateway/i],
    [['--os', 'windows-11'], /os|catalog/i],
    [['--bogus'], /unknown option/i],
  ];
  for (const [args, msg] of bad) {
    it(`refuses ${args.join(' ')}`, () => {
      const r = runCli(['provision-cmd', '--bundle', bundle, ...args]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^linus: [^\n]+\n$/);
      expect(r.stderr).toMatch(msg);
    });
  }
  it('prints one run line for the acceptance VM', () => {
    const r = runCli(['provision-cmd', '--bundle', bundle, '--no-user-key', '--name', 'web1', '--cores', '4', '--memory', '8G', '--disk', '50G', '--os', 'ubuntu-24.04']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/provision/);
    expect(lines[0]).toMatch(/web1/);
    expect(lines[0]).toMatch(/LINUS_EXIT/);
    // The same line as `linus run-command -- provision ... --detach` prints (detached by default).
    const rc = runCli(['run-command', '--', 'provision', '--name', 'web1', '--cores', '4', '--memory', '8G', '--disk', '50G', '--os', 'ubuntu-24.04', '--detach']);
    expect(rc.stdout.trim()).toBe(lines[0]);
  });
});

describe('provision-cmd with a signed --image-url (& in the query)', () => {
  const real = join(REPO, 'dist', 'linus-provision-proxmox.sh');
  const URL =
    'https://bucket.s3.amazonaws.com/img/noble.qcow2?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20260101%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=0a1b2c~d+e=f*(g)!h,i:j@k';
  const SHA = 'a'.repeat(64);
  it('the real validators accept it; the printed line, run by bash and by dash, hands the script the exact URL', () => {
    // The "installed script": check-options goes to the real bundle (its validators decide);
    // a provision run writes each argument it got as one NUL-terminated record.
    const d = mkdtempSync(join(tmpdir(), 'linus-pcmd-url-'));
    try {
      const installed = join(d, 'installed.sh');
      writeFileSync(installed, [
        '#!/bin/bash',
        `if [[ "$1" == check-options ]]; then exec bash ${real} "$@"; fi`,
        `printf '%s\\0' "$@" > ${join(d, 'got')}`,
        '',
      ].join('\n'), { mode: 0o700 });
      const r = runCli(['provision-cmd', '--foreground', '--no-user-key', '--bundle', installed, '--remote-path', installed, '--name', 'web1', '--image-url', URL, '--image-sha256', SHA, '--user', 'cloud']);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      for (const shell of ['bash', 'dash']) {
        rmSync(join(d, 'got'), { force: true });
        const x = spawnSync(shell, ['-c', lines[0]], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
        expect(x.stdout, `${shell}: ${x.stderr}`).toBe('LINUS_EXIT:0\n');
        const got = readFileSync(join(d, 'got'), 'latin1').split('\0').slice(0, -1);
        expect(got).toEqual(['provision', '--name', 'web1', '--image-url', URL, '--image-sha256', SHA, '--user', 'cloud']);
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
  it("a URL with a shell metacharacter is refused by the real validator (exit 1, nothing printed, the query not repeated)", () => {
    const r = runCli(['provision-cmd', '--bundle', real, '--image-url', 'https://h/i.img?a=1&sig=SECRET;reboot', '--image-sha256', SHA, '--user', 'cloud']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("linus: --image-url 'https://h/i.img?<redacted>': the URL has ';', which is not allowed in it; " +
      'expected http(s)://host[:port]/path?query with letters, digits and - . _ ~ % / : @ ! & ( ) * + , = ? only\n');
  });
});
