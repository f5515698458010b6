// Shared helpers for the compiler tests: temp projects and running bundles.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(REPO, 'test-ts/fixtures/compiler');

export function tempDir(prefix = 'linus-compiler-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a small project (path -> content) into a fresh temp dir and returns its root. */
export function project(files: Record<string, string>): string {
  const root = tempDir();
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

/** Runs a bundle text with bash in `cwd`. */
export function runBash(script: string, cwd: string, args: string[] = [], env: Record<string, string> = {}): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const file = join(cwd, 'bundle.sh');
  writeFileSync(file, script);
  const r = spawnSync('bash', [file, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const ENTRY_TAIL = 'fx_main() { echo ok; }\n\nfx_main "$@"\n';
