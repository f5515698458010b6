// `linus build`: compile, check, and write the dist/ files of CONTRACT §1.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { makeUploadCommands } from '../upload/index.js';
import type { Finding } from './check.js';
import { checkBundle } from './check.js';
import type { CompileOptions, CompileResult } from './compile.js';
import { compile } from './compile.js';
import { CompileError } from './errors.js';

export const BUNDLE_NAME = 'linus-provision-proxmox.sh';

export interface BuildOptions extends CompileOptions {
  /** Output directory, relative to root unless absolute. Default dist. */
  out?: string;
  /** Skip bash -n and shellcheck (tests only). */
  skipChecks?: boolean;
  /** Where notes (warnings, findings) go; default stderr. */
  log?: (line: string) => void;
}

export interface BuildResult extends CompileResult {
  bundlePath: string;
  sha256: string;
  bytes: number;
  /** upload.txt was written (false while the upload module is not implemented). */
  upload: boolean;
}

/** Thrown when bash -n or shellcheck report anything; findings are listed in `findings`. */
export class CheckError extends CompileError {
  constructor(readonly findings: Finding[]) {
    const tool = findings[0]?.tool ?? 'check';
    super('', 0, `${tool}: ${findings.length} finding(s) in the bundle, first: ${findings[0]?.loc}: ${findings[0]?.message}`);
  }
}

export function manifestJson(r: CompileResult, sha256: string, bytes: number): string {
  const manifest = {
    name: BUNDLE_NAME,
    product: r.name,
    version: r.version,
    sha256,
    bytes,
    entry: r.entry,
    sourcesSha256: r.sourcesSha256,
    sources: r.sources.map((s) => ({ path: s.path, sha256: s.sha256, lines: s.lines })),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function buildBundle(opts: BuildOptions): BuildResult {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const outDir = resolve(opts.root, opts.out ?? 'dist');
  const p = (f: string): string => resolve(outDir, f);
  const outputs = [BUNDLE_NAME, `${BUNDLE_NAME}.sha256`, 'manifest.json', 'upload.txt'];
  mkdirSync(outDir, { recursive: true });
  // Every output is written to a temp file and renamed into place, so a reader never sees a
  // half-written file (tests read dist/ while a build runs). A failed build removes the outputs:
  // no bundle is left behind that could be uploaded by mistake.
  const staged: string[] = [];
  const stage = (name: string, data: string, mode = 0o644): void => {
    const tmp = p(`.${name}.tmp`);
    writeFileSync(tmp, data, { mode });
    chmodSync(tmp, mode);
    staged.push(name);
  };
  const discard = (): void => {
    for (const f of staged) rmSync(p(`.${f}.tmp`), { force: true });
    for (const f of outputs) rmSync(p(f), { force: true });
  };

  let r: CompileResult;
  try {
    r = compile(opts);
    stage(BUNDLE_NAME, r.bundle, 0o755);
    if (!opts.skipChecks) {
      const findings = checkBundle(r.bundle, r.lineMap, r.fileWideDisables, r.annotated);
      if (findings.length > 0) {
        for (const f of findings) log(`${f.loc}: ${f.tool}: ${f.message} (bundle line ${f.bundleLine})`);
        throw new CheckError(findings);
      }
    }
  } catch (err) {
    discard();
    throw err;
  }

  const buf = Buffer.from(r.bundle, 'utf8');
  const sha256 = createHash('sha256').update(buf).digest('hex');
  stage(`${BUNDLE_NAME}.sha256`, `${sha256}  ${BUNDLE_NAME}\n`);
  stage('manifest.json', manifestJson(r, sha256, buf.length));

  let upload = false;
  try {
    const cmds = makeUploadCommands(buf, {});
    stage('upload.txt', cmds.map((c) => `${c}\n`).join(''));
    upload = true;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (!/not implemented/i.test(msg)) {
      discard();
      throw new CompileError('', 0, `upload commands: ${msg}`);
    }
    log(`linus: warning: upload.txt not written (${msg})`);
    rmSync(p('upload.txt'), { force: true });
  }
  for (const f of staged) renameSync(p(`.${f}.tmp`), p(f));
  return { ...r, bundlePath: p(BUNDLE_NAME), sha256, bytes: buf.length, upload };
}
