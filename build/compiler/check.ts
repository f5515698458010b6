// Checks on the finished bundle: `bash -n` and `shellcheck -s bash`, findings mapped to sources.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CompileError } from './errors.js';
import type { LineMapEntry } from './linemap.js';
import { formatLoc, mapLine } from './linemap.js';

export interface Finding {
  /** `file:line` in the sources (or `<bundle>:line`). */
  loc: string;
  bundleLine: number;
  tool: 'bash -n' | 'shellcheck';
  message: string;
}

interface ShellcheckComment {
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
}

function run(cmd: string, args: string[], input: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new CompileError('', 0, code === 'ENOENT' ? `${cmd} not found (install it: apt-get install -y ${cmd})` : `${cmd}: ${r.error.message}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `bash -n` on the bundle text. */
function bashSyntaxFindings(bundle: string, map: readonly LineMapEntry[]): Finding[] {
  const r = run('bash', ['-n', '-s'], bundle);
  if (r.status === 0) return [];
  const out: Finding[] = [];
  for (const l of r.stderr.split('\n').filter(Boolean)) {
    const m = /line (\d+): (.*)$/.exec(l);
    const bundleLine = m ? Number(m[1]) : 0;
    out.push({ loc: formatLoc(map, bundleLine), bundleLine, tool: 'bash -n', message: m ? m[2] : l });
  }
  return out.length > 0 ? out : [{ loc: '<bundle>:0', bundleLine: 0, tool: 'bash -n', message: `exit ${r.status}` }];
}

/**
 * The shellcheck binary: $LINUS_SHELLCHECK, else the first on PATH outside node_modules (npm
 * scripts put node_modules/.bin first, where the npm wrapper downloads from GitHub on first use).
 */
function findShellcheck(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LINUS_SHELLCHECK) return env.LINUS_SHELLCHECK;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.split(/[\\/]/).includes('node_modules')) continue;
    try {
      accessSync(join(dir, 'shellcheck'), constants.X_OK);
      return join(dir, 'shellcheck');
    } catch {
      // not here
    }
  }
  return 'shellcheck';
}

/**
 * `shellcheck -s bash` on the bundle text; every finding (any level) counts, except codes the
 * finding's source file disables file-wide (`disables`: path -> ['SC2034', ...]; 'all' = any).
 */
function shellcheckFindings(bundle: string, map: readonly LineMapEntry[],
  disables: Readonly<Record<string, readonly string[]>> = {}, shellcheck = findShellcheck()): Finding[] {
  const r = run(shellcheck, ['-s', 'bash', '-f', 'json1', '-'], bundle);
  let comments: ShellcheckComment[];
  try {
    comments = (JSON.parse(r.stdout) as { comments: ShellcheckComment[] }).comments;
  } catch {
    throw new CompileError('', 0, `shellcheck failed (exit ${r.status}): ${r.stderr.split('\n')[0]}`);
  }
  return comments
    .filter((c) => {
      const off = disables[mapLine(map, c.line).file] ?? [];
      return !off.includes(`SC${c.code}`) && !off.includes('all');
    })
    .map((c) => ({
      loc: `${formatLoc(map, c.line)}:${c.column}`,
      bundleLine: c.line,
      tool: 'shellcheck',
      message: `${c.level} SC${c.code}: ${c.message}`,
    }));
}

/**
 * `bash -n` on the bundle, then shellcheck on its annotated text (the same lines with the
 * comments kept: shellcheck's directives are comments, and its columns then match the sources).
 */
export function checkBundle(bundle: string, map: readonly LineMapEntry[],
  disables: Readonly<Record<string, readonly string[]>> = {}, annotated = bundle): Finding[] {
  const syntax = bashSyntaxFindings(bundle, map);
  if (syntax.length > 0) return syntax;
  return shellcheckFindings(annotated, map, disables);
}
