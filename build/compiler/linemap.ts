// The bundle's line map: bundle line -> source file and line (docs/COMPILER.md, "Line map").

/** Marks lines the compiler generated (header, markers, build constants). */
export const BUNDLE = '<bundle>';

/** One output line and where it came from. */
export interface OutLine {
  text: string;
  /** The line in the bundle when it differs from `text` (comments and indentation removed). */
  bare?: string;
  /** Repo-relative source path, or BUNDLE for generated lines. */
  file: string;
  /** Line in that source (for BUNDLE lines: ignored, the bundle line is used). */
  line: number;
}

/** A run of consecutive bundle lines that map to consecutive lines of one file. */
export interface LineMapEntry {
  bundleLine: number;
  file: string;
  line: number;
}

/** Compresses per-line origins (bundle lines numbered from 1) into triples. */
export function buildLineMap(lines: readonly OutLine[]): LineMapEntry[] {
  const map: LineMapEntry[] = [];
  lines.forEach((l, i) => {
    const bundleLine = i + 1;
    const srcLine = l.file === BUNDLE ? bundleLine : l.line;
    const last = map[map.length - 1];
    if (last && last.file === l.file && last.line + (bundleLine - last.bundleLine) === srcLine) return;
    map.push({ bundleLine, file: l.file, line: srcLine });
  });
  return map;
}

/** Where a bundle line came from: the last entry starting at or before it. */
export function mapLine(map: readonly LineMapEntry[], bundleLine: number): { file: string; line: number } {
  let found: LineMapEntry | undefined;
  for (const e of map) {
    if (e.bundleLine > bundleLine) break;
    found = e;
  }
  if (!found) return { file: BUNDLE, line: bundleLine };
  return { file: found.file, line: found.line + (bundleLine - found.bundleLine) };
}

export function formatLoc(map: readonly LineMapEntry[], bundleLine: number): string {
  const { file, line } = mapLine(map, bundleLine);
  return `${file}:${line}`;
}

/** Single-quotes a string for bash. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The bash array body: `1 '<bundle>' 1 6 'actions/main.sh' 3 ...`. */
export function lineMapArray(map: readonly LineMapEntry[]): string {
  return map.map((e) => `${e.bundleLine} ${shQuote(e.file)} ${e.line}`).join(' ');
}
