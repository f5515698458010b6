// Upper-case globals written in one bundle source file and read in another.
export interface SourceFile {
  path: string;
  text: string;
}

interface SharedGlobal {
  name: string;
  writers: string[];
  readers: string[];
}

const NAME = '[A-Z][A-Z0-9_]+';
const WRITE_RES = [
  new RegExp(`(?:^|[\\s;&|(])(${NAME})(?:\\[[^\\]]*\\])?\\+?=`, 'g'),
  new RegExp(`printf\\s+-v\\s+['"]?(${NAME})\\b`, 'g'),
  new RegExp(`declare\\s+-[a-zA-Z]*g[a-zA-Z]*\\s+(${NAME})\\b`, 'g'),
];
const READ_RES = [
  new RegExp(`\\$(${NAME})\\b`, 'g'),
  new RegExp(`\\$\\{[#!]?(${NAME})\\b`, 'g'),
  new RegExp(`-v\\s+['"]?(${NAME})\\b`, 'g'),
];

function matchAll(res: RegExp[], line: string, into: Set<string>): void {
  for (const re of res) for (const m of line.matchAll(re)) into.add(m[1]);
}

/** Names a bash text writes (assignment, printf -v, read, mapfile, declare -g) and reads. */
export function scanNames(text: string): { writes: Set<string>; reads: Set<string> } {
  const writes = new Set<string>();
  const reads = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*#.*$/, '');
    if (/^\s*local\s/.test(line)) {
      matchAll(READ_RES, line.replace(/^\s*local\s+(?:-\w+\s+)*/, ' '), reads);
      continue;
    }
    const noPrintf = line.replace(/printf\s+-v\s+\S+/g, ' ');
    matchAll(WRITE_RES, line, writes);
    for (const m of line.matchAll(/\b(?:read|mapfile|readarray)\b((?:\s+(?:-\w+(?:\s+['"]?[^\s'"]+['"]?)?|\w+))+)/g)) {
      for (const w of m[1].trim().split(/\s+/)) if (new RegExp(`^${NAME}$`).test(w)) writes.add(w);
    }
    matchAll(READ_RES, noPrintf, reads);
  }
  return { writes, reads };
}

/** Names written in some file and read in another one, sorted by name. */
export function sharedGlobals(files: readonly SourceFile[]): SharedGlobal[] {
  const scans = files.map((f) => ({ path: f.path, ...scanNames(f.text) }));
  const names = new Set(scans.flatMap((s) => [...s.writes]));
  const out: SharedGlobal[] = [];
  for (const name of [...names].sort()) {
    const writers = scans.filter((s) => s.writes.has(name)).map((s) => s.path);
    const readers = scans.filter((s) => s.reads.has(name) && !s.writes.has(name)).map((s) => s.path);
    if (readers.length > 0) out.push({ name, writers, readers });
  }
  return out;
}

/** CFG_* names written outside the options file(s). */
export function cfgWrittenOutside(files: readonly SourceFile[], optionsFiles: readonly string[]): SharedGlobal[] {
  const out: SharedGlobal[] = [];
  const byName = new Map<string, string[]>();
  for (const f of files) {
    if (optionsFiles.includes(f.path)) continue;
    for (const n of scanNames(f.text).writes) if (n.startsWith('CFG_')) byName.set(n, [...(byName.get(n) ?? []), f.path]);
  }
  for (const [name, writers] of [...byName.entries()].sort()) out.push({ name, writers, readers: [] });
  return out;
}

export interface RecordUse {
  name: string;
  keys: string[];
  writers: string[];
  readers: string[];
}

/** Associative-array records (`NAME[key]=` written, `${NAME[key]}` read), with their keys and the
 * files that write and read them; a record counts as one name in sharedGlobals. */
export function recordUses(files: readonly SourceFile[], names: readonly string[]): RecordUse[] {
  return names.map((name) => {
    const keys = new Set<string>();
    const writers: string[] = [];
    const readers: string[] = [];
    const wr = new RegExp(`(?:^|[\\s;&|("'])${name}\\[([a-z_][a-z0-9_]*)\\]\\+?=|(?:printf\\s+-v|read\\b[^\\n]*)\\s+['"]?${name}\\[([a-z_][a-z0-9_]*)\\]`, 'g');
    const rd = new RegExp(`\\$\\{[#!]?${name}\\[([a-z_][a-z0-9_]*)\\]`, 'g');
    for (const f of files) {
      const text = f.text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
      let w = false;
      let r = false;
      for (const m of text.matchAll(wr)) {
        keys.add(m[1] ?? m[2]);
        w = true;
      }
      for (const m of text.matchAll(rd)) {
        keys.add(m[1]);
        r = true;
      }
      if (w) writers.push(f.path);
      if (r && !w) readers.push(f.path);
    }
    return { name, keys: [...keys].sort(), writers, readers };
  });
}
