// Line-preserving minification of one source file for the bundle (docs/COMPILER.md, "Comments
// and indentation"): comment lines become empty, trailing comments go, and indentation goes
// where it is not data. Line numbers never change, so the line map stays exact.
import type { Parsed } from './parse.js';
import { nodeType, walk } from './parse.js';
import type { sh } from './parse.js';

/** The characters after which bash reads `#` as the start of a comment (blanks and operators). */
const WORD_START = /[ \t;&|()<>]/;

interface Range {
  start: number;
  end: number;
}

/**
 * The lines of a file without comments and indentation. Comments come from the parser, so a
 * `#` inside a string, heredoc or `${x#y}` is never touched. Indentation stays on lines that
 * start inside a multi-line word or a heredoc body, and after a line ending in a backslash.
 */
export function stripLines(parsed: Parsed, lines: readonly string[]): string[] {
  const comments: Range[] = [];
  const words: Range[] = [];
  walk(parsed.ast, (node) => {
    const t = nodeType(node);
    if (t === 'Comment') {
      comments.push({ start: node.Pos().Offset(), end: node.End().Offset() });
    } else if (t === 'Redirect') {
      const hdoc = (node as sh.Redirect).Hdoc;
      if (hdoc) words.push({ start: hdoc.Pos().Offset(), end: hdoc.End().Offset() });
    } else if (t === 'Word' && node.Pos().Line() !== node.End().Line()) {
      words.push({ start: node.Pos().Offset(), end: node.End().Offset() });
    }
  });
  // Byte offset of each line start (mvdan-sh offsets are bytes).
  const starts: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    at += Buffer.byteLength(l) + 1;
  }
  const lineOf = (off: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const out = [...lines];
  // Cut each comment off its line (in bytes, then back to text); a line left blank becomes ''.
  for (const c of comments) {
    const i = lineOf(c.start);
    const buf = Buffer.from(lines[i]);
    const col = c.start - starts[i];
    // bash starts a comment only at the start of a word. mvdan-sh 0.10 also reports one after a
    // quote or expansion (`"a"#z`, `${x}#z`), which bash reads as part of the word: keep those.
    if (col > 0 && !WORD_START.test(String.fromCharCode(buf[col - 1]))) continue;
    let head = buf.subarray(0, col).toString('utf8').replace(/[ \t]+$/, '');
    // `a\ <spaces>#c`: the backslash escapes the first space; keep it, or the line would continue.
    if (head.endsWith('\\')) head += ' ';
    out[i] = head.trim() === '' ? '' : head;
  }
  const inWord = (from: number, to: number): boolean => words.some((w) => w.start < to && w.end > from);
  for (let i = 0; i < out.length; i++) {
    const ws = /^[ \t]*/.exec(out[i])?.[0].length ?? 0;
    if (ws === 0) continue;
    if (i > 0 && lines[i - 1].endsWith('\\')) continue;
    if (inWord(starts[i], starts[i] + ws)) continue;
    out[i] = out[i].slice(ws);
  }
  return out;
}
