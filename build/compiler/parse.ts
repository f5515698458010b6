// Thin typed layer over mvdan-sh (the GopherJS build of mvdan/sh): parse, walk, node text.
import sh from 'mvdan-sh';
import { CompileError } from './errors.js';

const { syntax } = sh;

export type Node = sh.Node;
export type File = sh.File;
export type Stmt = sh.Stmt;
export type CallExpr = sh.CallExpr;
export type Word = sh.Word;

/** A parsed file with its raw bytes (mvdan-sh offsets are byte offsets). */
export interface Parsed {
  ast: File;
  bytes: Buffer;
}

export function parseBash(text: string, displayPath: string): Parsed {
  const parser = syntax.NewParser(syntax.KeepComments(true));
  try {
    return { ast: parser.Parse(text, displayPath), bytes: Buffer.from(text, 'utf8') };
  } catch (err: unknown) {
    // mvdan-sh throws Go errors: Error() gives "path:line:col: message".
    const goErr = err as { Error?: () => string; message?: string };
    const msg = typeof goErr.Error === 'function' ? goErr.Error() : String(goErr.message ?? err);
    const m = /^(.*?):(\d+):(\d+): (.*)$/s.exec(msg);
    if (m) throw new CompileError(displayPath, Number(m[2]), `bash syntax error: ${m[4]} (column ${m[3]})`);
    throw new CompileError(displayPath, 0, `bash syntax error: ${msg}`);
  }
}

export function nodeType(node: Node): string {
  return syntax.NodeType(node);
}

/** Visits every node below `root` (nulls skipped). */
export function walk(root: Node, visit: (node: Node) => void): void {
  syntax.Walk(root, (node: Node | null) => {
    if (node) visit(node);
    return true;
  });
}

/** The exact source text of a node. */
export function nodeText(parsed: Parsed, node: Node): string {
  return parsed.bytes.subarray(node.Pos().Offset(), node.End().Offset()).toString('utf8');
}

/** The node text with every whitespace run collapsed to one space, for form matching. */
export function normText(parsed: Parsed, node: Node): string {
  return nodeText(parsed, node).replace(/\s+/g, ' ');
}

export const line = (node: Node): number => node.Pos().Line();
export const endLine = (node: Node): number => node.End().Line();

/** The literal value of a word, or undefined when any part of it is not a plain literal. */
export function literalWord(word: Word | null | undefined): string | undefined {
  if (!word || word.Parts.length !== 1 || nodeType(word.Parts[0]) !== 'Lit') return undefined;
  return (word.Parts[0] as sh.Lit).Value;
}

/** The CallExpr of a statement that is a plain command (no redirects, &, !, coproc). */
export function plainCall(stmt: Stmt): CallExpr | undefined {
  if (!stmt.Cmd || nodeType(stmt.Cmd) !== 'CallExpr') return undefined;
  if (stmt.Redirs.length > 0 || stmt.Background || stmt.Negated || stmt.Coprocess) return undefined;
  return stmt.Cmd as CallExpr;
}

export type { sh };
