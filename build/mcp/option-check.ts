// Checks provision options with the bundle's own option parser and validators (one source of
// truth for the bash and the TypeScript side): `bash BUNDLE check-options ARGS...` parses and
// validates the values offline, touching no host, and answers with the usual protocol lines.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

export const BUNDLE_NAME = 'linus-provision-proxmox.sh';

/** The bundle: --bundle, else dist/ beside the CLI (dist/cli.js or build/cli.ts), else ./dist. */
export function findBundle(explicit?: string): string {
  if (explicit !== undefined) {
    const p = resolve(explicit);
    if (!existsSync(p)) throw new Error(`no bundle at ${p}`);
    return p;
  }
  const cliDir = dirname(cliPath());
  const candidates = [join(cliDir, BUNDLE_NAME), join(cliDir, '..', 'dist', BUNDLE_NAME), join(process.cwd(), 'dist', BUNDLE_NAME)];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`no ${BUNDLE_NAME} found (run npm run build, or pass --bundle PATH)`);
}

/** The running CLI file, through symlinks (node_modules/.bin/linus -> dist/cli.js). */
function cliPath(): string {
  const p = resolve(process.argv[1] ?? '.');
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

interface OptionCheck {
  ok: boolean;
  /** The validator's one-line message when not ok. */
  error?: string;
  remediation?: string;
  code: number;
}

/**
 * Runs the bundle's offline option check. The environment is cleared on purpose: VM_NAME,
 * VM_RAM... of this machine must not fill in values the host will never see.
 */
export function checkOptions(bundle: string, args: string[]): OptionCheck {
  const r = spawnSync('bash', [bundle, 'check-options', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: tmpdir() },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = `${r.stdout ?? ''}`.split('\n');
  const value = (key: string): string | undefined => {
    const l = lines.find((x) => x.startsWith(`LINUS_${key}:`));
    return l === undefined ? undefined : l.slice(key.length + 7);
  };
  const code = r.status ?? 5;
  if (code === 0 && value('RESULT') === 'VALID') return { ok: true, code };
  const error = value('ERROR') ?? (r.error ? `cannot run bash: ${r.error.message}` : `the bundle's option check failed (exit ${code})`);
  return { ok: false, code, error, remediation: value('REMEDIATION') };
}
