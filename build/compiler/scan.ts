// Per-file analysis: top-level `source` statements, `*_DIR` assignments, the entry's last call,
// and the checks that reject what the bundle cannot honour.
import { CompileError } from './errors.js';
import type { Segment } from './forms.js';
import { FormError, dirAssignmentRel, isDirVarName, mentionsSelfDir, pathSegments } from './forms.js';
import type { Parsed, Stmt, Word, sh } from './parse.js';
import { endLine, line, literalWord, nodeText, nodeType, normText, plainCall, walk } from './parse.js';

export type Event =
  | { kind: 'source'; line: number; endLine: number; text: string; segs: Segment[] | FormError }
  | { kind: 'dir'; line: number; endLine: number; name: string; rel: string };

interface FileScan {
  /** Top-level events by their first line. */
  events: Map<number, Event>;
  /** Lines to leave out: shellcheck directives above removed statements. */
  dropLines: Set<number>;
  /** Uses of `*_DIR` variables outside removed statements (checked after the whole build). */
  dirVarRefs: { name: string; line: number }[];
  /** Entry only: the line of the final call and the call's text (without comment or `;`). */
  callLine?: number;
  callText?: string;
}

const SOURCE_WORDS = new Set(['source', '.']);

function isSourceCall(call: sh.CallExpr): boolean {
  const a0 = literalWord(call.Args[0]);
  if (a0 !== undefined && SOURCE_WORDS.has(a0)) return true;
  return (a0 === 'builtin' || a0 === 'command') && SOURCE_WORDS.has(literalWord(call.Args[1]) ?? '');
}

/** Marks a `source` the bundle must keep and run as is (a file made at run time). */
const RUNTIME_SOURCE_MARK = 'linus: runtime-source';

/** True when the line, or the comment lines directly above it, carry RUNTIME_SOURCE_MARK. */
function markedRuntime(lines: readonly string[], at: number): boolean {
  if ((lines[at - 1] ?? '').includes(`# ${RUNTIME_SOURCE_MARK}`)) return true;
  for (let l = at - 1; l >= 1 && /^\s*#/.test(lines[l - 1]); l--) {
    if (lines[l - 1].includes(RUNTIME_SOURCE_MARK)) return true;
  }
  return false;
}

export function scanFile(parsed: Parsed, rel: string, lines: readonly string[], isEntry: boolean): FileScan {
  const stmts = parsed.ast.Stmts.filter((s): s is Stmt => s !== null);
  const events = new Map<number, Event>();
  const topSources = new Set<number>();
  const removed: [number, number][] = [];
  const removedStmts: Stmt[] = [];
  const fail = (at: number, msg: string): never => {
    throw new CompileError(rel, at, msg);
  };

  const aloneOnLines = (idx: number, what: string): void => {
    const s = stmts[idx];
    const prevEnd = idx > 0 ? endLine(stmts[idx - 1]) : 0;
    const nextStart = idx + 1 < stmts.length ? line(stmts[idx + 1]) : Number.POSITIVE_INFINITY;
    if (line(s) <= prevEnd || endLine(s) >= nextStart) fail(line(s), `${what} must be alone on its line`);
  };

  stmts.forEach((stmt, idx) => {
    if (!stmt.Cmd || nodeType(stmt.Cmd) !== 'CallExpr') return;
    const call = stmt.Cmd as sh.CallExpr;
    if (isSourceCall(call) && !markedRuntime(lines, line(stmt))) {
      const at = line(stmt);
      if (!plainCall(stmt) || call.Assigns.length > 0 || literalWord(call.Args[0]) === 'builtin' || literalWord(call.Args[0]) === 'command') {
        fail(at, 'unsupported source statement: write plain `source PATH` (no redirects, prefixes, &, !)');
      }
      if (call.Args.length !== 2) fail(at, 'unsupported source statement: exactly one argument (the path) is allowed');
      aloneOnLines(idx, 'a source statement');
      const word = call.Args[1] as Word;
      let segs: Segment[] | FormError;
      try {
        segs = pathSegments(parsed, word);
      } catch (err) {
        if (!(err instanceof FormError)) throw err;
        segs = err;
      }
      events.set(at, { kind: 'source', line: at, endLine: endLine(stmt), text: nodeText(parsed, word), segs });
      topSources.add(call.Pos().Offset());
      removed.push([at, endLine(stmt)]);
      removedStmts.push(stmt);
      return;
    }
    const asg = call.Assigns[0];
    if (call.Args.length !== 0 || call.Assigns.length !== 1 || !asg || !plainCall(stmt)) return;
    const name = asg.Name?.Value;
    if (!name || !isDirVarName(name) || asg.Append || asg.Index || asg.Array || !asg.Value) return;
    const dirRel = dirAssignmentRel(nodeText(parsed, asg.Value));
    if (dirRel === undefined) return;
    aloneOnLines(idx, `the ${name} assignment`);
    events.set(line(stmt), { kind: 'dir', line: line(stmt), endLine: endLine(stmt), name, rel: dirRel });
    removed.push([line(stmt), endLine(stmt)]);
    removedStmts.push(stmt);
  });

  const isRemoved = (l: number): boolean => removed.some(([a, b]) => l >= a && l <= b);
  const dirVarRefs: { name: string; line: number }[] = [];
  walk(parsed.ast, (node) => {
    const type = nodeType(node);
    if (type === 'CallExpr') {
      const call = node as sh.CallExpr;
      if (isSourceCall(call) && !topSources.has(call.Pos().Offset()) && !markedRuntime(lines, line(call))) {
        fail(line(call), '`source` is only supported as a statement of its own at the top level of a file ' +
          '(not inside a function, if, loop, list, pipeline or $(...)); move it to the top level, or mark a ' +
          `file made at run time with a comment \`# ${RUNTIME_SOURCE_MARK}\` on or above its line`);
      }
      const a0 = literalWord(call.Args[0]);
      if ((a0 === 'cd' || a0 === 'pushd') && !isRemoved(line(call)) &&
          call.Args.slice(1).some((w) => w !== null && mentionsSelfDir(normText(parsed, w)))) {
        fail(line(call), `${a0} into a directory next to this file fails in the bundle (it does not exist on ` +
          'the host); only the top-level *_DIR assignment forms of docs/COMPILER.md are supported');
      }
    } else if (type === 'ParamExp') {
      const name = (node as sh.ParamExp).Param?.Value;
      if (name && isDirVarName(name) && !isRemoved(line(node))) dirVarRefs.push({ name, line: line(node) });
    }
  });

  // shellcheck directives directly above a removed statement belong to it (mvdan-sh attaches the
  // comments above a statement to it).
  const dropLines = new Set<number>();
  for (const stmt of removedStmts) {
    const start = line(stmt);
    const commentLines = new Set(stmt.Comments.map((c) => c.Hash.Line()).filter((l) => l < start &&
      (lines[l - 1] ?? '').trimStart().startsWith('#')));
    for (let l = start - 1; l >= 1 && commentLines.has(l) && /^\s*#\s*shellcheck\s/.test(lines[l - 1]); l--) {
      dropLines.add(l);
    }
  }

  const scan: FileScan = { events, dropLines, dirVarRefs };
  if (isEntry) {
    scan.callLine = entryCallLine(stmts, lines, rel);
    scan.callText = nodeText(parsed, stmts[stmts.length - 1].Cmd);
  }
  return scan;
}

/** The entry's last non-blank line must be one simple call, e.g. `linus_main "$@"`. */
function entryCallLine(stmts: readonly Stmt[], lines: readonly string[], rel: string): number {
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === '') last--;
  const stmt = stmts[stmts.length - 1];
  const prev = stmts[stmts.length - 2];
  const call = stmt ? plainCall(stmt) : undefined;
  const name = call ? literalWord(call.Args[0]) : undefined;
  const ok = stmt && call && call.Assigns.length === 0 && name !== undefined && /^[A-Za-z_][A-Za-z0-9_:-]*$/.test(name) &&
    !SOURCE_WORDS.has(name) && line(stmt) === last && endLine(stmt) === last && (!prev || endLine(prev) < last);
  if (!ok) {
    throw new CompileError(rel, last, 'the entry\'s last non-blank line must be one simple call on its own line, ' +
      'such as `linus_main "$@"` (all work starts there, so a truncated bundle does nothing)');
  }
  return last;
}
