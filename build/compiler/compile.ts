// The bash compiler: inlines `source`d files into one bundle (docs/COMPILER.md).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { VERSION } from '../version.js';
import { CompileError } from './errors.js';
import type { Segment } from './forms.js';
import { FormError } from './forms.js';
import type { LineMapEntry, OutLine } from './linemap.js';
import { BUNDLE, buildLineMap, lineMapArray, shQuote } from './linemap.js';
import { parseBash } from './parse.js';
import { stripLines } from './strip.js';
import type { Event } from './scan.js';
import { scanFile } from './scan.js';

export interface CompileOptions {
  /** Repository root: source paths in markers, the line map and errors are relative to it. */
  root: string;
  /** The entry file, relative to root (or absolute). Default actions/main.sh. */
  entry?: string;
  /** Product name for the header; default: `name` of root/package.json, else linus-provision. */
  name?: string;
  /** Version; default: `version` of root/package.json, else the CLI's version. */
  version?: string;
}

export interface SourceInfo {
  /** Repo-relative path. */
  path: string;
  sha256: string;
  lines: number;
  bytes: number;
}

export interface CompileResult {
  /** The bundle text: no comments and no indentation that is not data (see stripLines). */
  bundle: string;
  /**
   * The same lines with every comment, the indentation, the header and the file markers kept:
   * what shellcheck reads (its directives are comments; columns match the sources).
   */
  annotated: string;
  name: string;
  version: string;
  entry: string;
  /** The inlined files in bundle order (the entry first). */
  sources: SourceInfo[];
  /** sha256 over `path NUL sha256 LF` of every source in order. */
  sourcesSha256: string;
  lineMap: LineMapEntry[];
  /**
   * shellcheck codes (e.g. 'SC2034') each file disables file-wide (directives above its first
   * command). Inlined, such a directive covers only the next command, so the bundle check drops
   * findings of these codes in that file instead.
   */
  fileWideDisables: Record<string, string[]>;
}

/** The codes of `# shellcheck disable=...` comments before the first command of a file. */
export function fileWideDisables(lines: readonly string[]): string[] {
  const codes: string[] = [];
  for (const l of lines) {
    const t = l.trim();
    if (t === '') continue;
    if (!t.startsWith('#')) break;
    const m = /^#\s*shellcheck\s+(.*)$/.exec(t);
    const d = m ? /(?:^|\s)disable=([A-Za-z0-9,]+)/.exec(m[1]) : null;
    if (d) codes.push(...d[1].split(',').filter(Boolean).map((c) => (/^\d+$/.test(c) ? `SC${c}` : c)));
  }
  return codes;
}

export const DEFAULT_ENTRY = 'actions/main.sh';

interface DirVar {
  file: string;
  line: number;
  dir: string;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function packageInfo(root: string): { name?: string; version?: string } {
  const p = resolve(root, 'package.json');
  if (!existsSync(p)) return {};
  try {
    const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: unknown; version?: unknown };
    return {
      name: typeof pkg.name === 'string' ? pkg.name : undefined,
      version: typeof pkg.version === 'string' ? pkg.version : undefined,
    };
  } catch {
    throw new CompileError('package.json', 0, 'not valid JSON');
  }
}

class Compiler {
  readonly out: OutLine[] = [];
  readonly sources: SourceInfo[] = [];
  readonly fileWideDisables: Record<string, string[]> = {};
  private readonly done = new Map<string, Map<string, DirVar>>();
  private readonly stack: { real: string; rel: string; line: number }[] = [];
  private readonly dirVars = new Map<string, DirVar>();
  private readonly droppedDirVars = new Set<string>();
  private readonly dirVarRefs: { file: string; name: string; line: number }[] = [];
  callLine: { text: string; line: number } | undefined;

  constructor(private readonly root: string) {}

  rel(abs: string): string {
    return relative(this.root, abs).split(sep).join('/');
  }

  /** Inlines one file's lines into `out`; the entry's last call line is kept aside. */
  processFile(real: string, isEntry: boolean): void {
    const rel = this.rel(real);
    const raw = readFileSync(real);
    const text = raw.toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    this.sources.push({ path: rel, sha256: sha256(raw), lines: lines.length, bytes: raw.length });
    const disables = fileWideDisables(lines);
    if (disables.length > 0) this.fileWideDisables[rel] = disables;
    const parsed = parseBash(text, rel);
    const scan = scanFile(parsed, rel, lines, isEntry);
    const bare = stripLines(parsed, lines);
    for (const r of scan.dirVarRefs) this.dirVarRefs.push({ file: rel, ...r });

    const before = new Map(this.dirVars);
    this.stack.push({ real, rel, line: 0 });
    const last = scan.callLine ?? lines.length + 1;
    for (let i = 1; i < last; i++) {
      if ((i === 1 && lines[0].startsWith('#!')) || scan.dropLines.has(i)) continue;
      const ev = scan.events.get(i);
      if (!ev) {
        this.out.push({ text: lines[i - 1], bare: bare[i - 1], file: rel, line: i });
        continue;
      }
      if (ev.kind === 'dir') {
        this.dirVars.set(ev.name, { file: rel, line: i, dir: resolve(dirname(real), ev.rel.replace(/^\/+/, '')) });
        this.droppedDirVars.add(ev.name);
      } else {
        this.stack[this.stack.length - 1].line = i;
        this.inlineSource(real, rel, ev);
      }
      i = ev.endLine;
    }
    this.stack.pop();
    if (scan.callLine !== undefined && scan.callText !== undefined) {
      // A brace group is parsed whole before it runs: any cut of this line is a syntax error,
      // never a call with fewer arguments (`linus_main` without "$@").
      this.callLine = { text: `{ ${scan.callText}; }`, line: scan.callLine };
    }
    const effects = new Map<string, DirVar>();
    for (const [k, v] of this.dirVars) if (before.get(k) !== v) effects.set(k, v);
    this.done.set(real, effects);
  }

  private inlineSource(real: string, rel: string, ev: Extract<Event, { kind: 'source' }>): void {
    const fail = (msg: string): never => {
      throw new CompileError(rel, ev.line, msg);
    };
    if (ev.segs instanceof FormError) {
      fail(`unsupported source path ${ev.text}: ${ev.segs.message} (supported forms: docs/COMPILER.md)`);
    }
    let segs = ev.segs as Segment[];
    let base = dirname(real);
    const first = segs[0];
    if (first?.kind === 'self') {
      segs = segs.slice(1);
    } else if (first?.kind === 'var') {
      const v = this.dirVars.get(first.name);
      if (!v) fail(`${first.name} is not assigned before this line by a supported form (docs/COMPILER.md)`);
      else if (v.file !== rel) {
        fail(`${first.name} here holds the directory set by ${v.file}:${v.line}, not one set by this file; ` +
          'give each file its own *_DIR name or use "$(dirname "${BASH_SOURCE[0]}")/..."');
      } else base = v.dir;
      segs = segs.slice(1);
    }
    if (segs.some((s) => s.kind !== 'lit')) fail(`unsupported source path ${ev.text}: a directory expression may only start the path`);
    const tail = segs.map((s) => (s.kind === 'lit' ? s.text : '')).join('');
    if (first?.kind === 'self' || first?.kind === 'var') {
      if (!tail.startsWith('/')) fail(`unsupported source path ${ev.text}: expected "/" after the directory`);
    } else if (isAbsolute(tail) || tail === '') {
      fail(`unsupported source path ${ev.text}: absolute or empty paths cannot be inlined; use a path relative to this file`);
    }
    const target = resolve(base, tail.replace(/^\/+/, ''));
    if (!existsSync(target)) fail(`sourced file not found: ${this.rel(target)} (from ${ev.text})`);
    if (!statSync(target).isFile()) fail(`sourced path is not a file: ${this.rel(target)}`);
    const targetReal = realpathSync(target);
    const targetRel = this.rel(targetReal);
    if (targetRel.startsWith('../') || isAbsolute(targetRel)) fail(`sourced file is outside the repository: ${targetReal}`);
    if (this.stack.some((s) => s.real === targetReal)) {
      const from = this.stack.findIndex((s) => s.real === targetReal);
      const chain = [...this.stack.slice(from).map((s) => `${s.rel}:${s.line}`), targetRel].join(' -> ');
      fail(`source cycle: ${chain}`);
    }
    const effects = this.done.get(targetReal);
    if (effects) {
      this.out.push({ text: `# source ${targetRel}: already inlined above`, bare: '', file: BUNDLE, line: 0 });
      for (const [k, v] of effects) this.dirVars.set(k, v);
      return;
    }
    this.out.push({ text: `# >>> ${targetRel}`, bare: '', file: BUNDLE, line: 0 });
    this.processFile(targetReal, false);
    this.out.push({ text: `# <<< ${targetRel}`, bare: '', file: BUNDLE, line: 0 });
  }

  /** `*_DIR` variables the bundle no longer sets must not be used for anything else. */
  checkDirVarRefs(): void {
    for (const r of this.dirVarRefs) {
      if (this.droppedDirVars.has(r.name)) {
        throw new CompileError(r.file, r.line, `${r.name} is used outside a source statement, but the bundle drops ` +
          'its assignment (that directory does not exist on the host)');
      }
    }
  }
}

/** Compiles the entry and everything it sources into one bundle (no files written). */
export function compile(opts: CompileOptions): CompileResult {
  const root = realpathSync(resolve(opts.root));
  const entryAbs = resolve(root, opts.entry ?? DEFAULT_ENTRY);
  const pkg = packageInfo(root);
  const name = opts.name ?? pkg.name ?? 'linus-provision';
  const version = opts.version ?? pkg.version ?? VERSION;
  if (!/^[0-9A-Za-z.+~-]+$/.test(version)) throw new CompileError('package.json', 0, `unusable version '${version}'`);
  if (!existsSync(entryAbs) || !statSync(entryAbs).isFile()) {
    throw new CompileError('', 0, `entry not found: ${opts.entry ?? DEFAULT_ENTRY}`);
  }
  const c = new Compiler(root);
  const entryReal = realpathSync(entryAbs);
  const entry = c.rel(entryReal);
  c.processFile(entryReal, true);
  c.checkDirVarRefs();
  const call = c.callLine;
  if (!call) throw new CompileError(entry, 0, 'no final call found');

  const sourcesSha256 = sha256(c.sources.map((s) => `${s.path}\0${s.sha256}\n`).join(''));
  const gen = (text: string): OutLine => ({ text, file: BUNDLE, line: 0 });
  // A generated comment line: kept in the annotated text, empty in the bundle.
  const note = (text: string): OutLine => ({ text, bare: '', file: BUNDLE, line: 0 });
  const lines: OutLine[] = [
    gen('#!/usr/bin/env bash'),
    note(`# linus-provision-proxmox.sh: ${name} ${version}`),
    note(`# Generated by \`linus build\` from ${entry} and ${c.sources.length - 1} sourced file(s): do not edit.`),
    note(`# Sources sha256: ${sourcesSha256}`),
    note('# Only definitions follow; the work starts at the last line, so a truncated copy does nothing.'),
    // One brace group: bash parses all of it before running any of it, so a copy cut anywhere
    // inside is a syntax error that runs nothing (not even half a top-level statement).
    gen('{'),
    note(`# >>> ${entry}`),
    ...c.out,
    note(`# <<< ${entry}`),
    gen('}'),
    gen(`_LINUS_VERSION=${shQuote(version)}`),
    gen(`_LINUS_SOURCES_SHA256=${shQuote(sourcesSha256)}`),
    gen('_LINUS_LINEMAP=()'),
    { text: call.text, file: entry, line: call.line },
  ];
  const lineMap = buildLineMap(lines);
  lines[lines.length - 2].text = `_LINUS_LINEMAP=(${lineMapArray(lineMap)})`;
  const bundle = lines.map((l) => l.bare ?? l.text).join('\n') + '\n';
  const annotated = lines.map((l) => l.text).join('\n') + '\n';
  return { bundle, annotated, name, version, entry, sources: c.sources, sourcesSha256, lineMap, fileWideDisables: c.fileWideDisables };
}
