// Long lines and long functions in bash files.
export interface Finding {
  path: string;
  line: number;
  detail: string;
}

const MAX_COLUMNS = 120;
const MAX_FUNCTION_LINES = 40;

/** Lines longer than max columns (characters, tabs count as one). */
export function longLines(path: string, text: string, max = MAX_COLUMNS): Finding[] {
  const out: Finding[] = [];
  text.split('\n').forEach((l, i) => {
    if ([...l].length > max) out.push({ path, line: i + 1, detail: `${[...l].length} columns` });
  });
  return out;
}

/**
 * Functions longer than max lines, from `name() {` to the `}` at the same indentation.
 * Functions holding a heredoc (usage text) are exempt.
 */
export function longFunctions(path: string, text: string, max = MAX_FUNCTION_LINES): Finding[] {
  const lines = text.split('\n');
  const out: Finding[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:function\s+)?([A-Za-z_][\w:.-]*)\s*\(\)\s*\{\s*$/.exec(lines[i]);
    if (!m) continue;
    const end = lines.findIndex((l, j) => j > i && l === `${m[1]}}`);
    if (end < 0) continue;
    const body = lines.slice(i, end + 1);
    const len = body.length;
    if (len > max && !body.some((l) => /<<-?\s*['"]?\w+/.test(l))) {
      out.push({ path, line: i + 1, detail: `${m[2]}: ${len} lines` });
    }
  }
  return out;
}

/** Tracked bash files: *.sh, *.bash, *.bats, and extension-less files with a bash/sh shebang. */
export function isBashFile(path: string, firstLine: string): boolean {
  if (/\.(sh|bash|bats)$/.test(path)) return true;
  if (/\.[^/]+$/.test(path.replace(/^.*\//, ''))) return false;
  return /^#!.*\b(bash|sh)\b/.test(firstLine);
}
