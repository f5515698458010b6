// The supported `source` path forms and `*_DIR` assignment forms (docs/COMPILER.md lists them).
import type { Parsed, Word, sh } from './parse.js';
import { nodeType, normText } from './parse.js';

/** One piece of a source path: literal text, "this file's directory", or a `*_DIR` variable. */
export type Segment =
  | { kind: 'lit'; text: string }
  | { kind: 'self' }
  | { kind: 'var'; name: string };

/** `$(dirname "${BASH_SOURCE[0]}")` (also `-- `, `${BASH_SOURCE}`), whitespace collapsed. */
const SELF_CMDSUBST = String.raw`\$\( ?dirname (?:-- )?"\$\{BASH_SOURCE(?:\[0\])?\}" ?\)`;
/** `${BASH_SOURCE[0]%/*}` or `${BASH_SOURCE%/*}`. */
const SELF_PARAM = String.raw`\$\{BASH_SOURCE(?:\[0\])?%/\*\}`;
const SELF = `(?:${SELF_CMDSUBST}|${SELF_PARAM})`;
const SELF_RE = new RegExp(`^${SELF}$`);
const DIR_VAR_RE = /^\$\{?([A-Za-z_][A-Za-z0-9_]*_DIR)\}?$/;
/** A relative path suffix such as `/../lib-sh`: no quotes, expansions or escapes. */
const REL = String.raw`(/[^"'$\x60\\\s]*)?`;
/** Right-hand sides of a `*_DIR=` assignment that name a directory relative to this file. */
const DIR_VALUE_RES: RegExp[] = [
  new RegExp(`^"?${SELF}${REL}"?$`),
  new RegExp(`^"?\\$\\( ?cd (?:-P )?(?:-- )?"${SELF}${REL}" && pwd(?: -P)? ?\\)${REL}"?$`),
];
/** Characters allowed in an unquoted literal path (no globs, tilde, escapes). */
const SAFE_UNQUOTED = /^[A-Za-z0-9._/+@%,:=-]*$/;

export class FormError extends Error {}

/** Splits a source path word into segments, or throws FormError for anything dynamic. */
export function pathSegments(parsed: Parsed, word: Word): Segment[] {
  const out: Segment[] = [];
  const visit = (parts: sh.Node[], quoted: boolean): void => {
    for (const part of parts) {
      const type = nodeType(part);
      if (type === 'Lit') {
        const value = (part as sh.Lit).Value;
        if (value.includes('\\') || (!quoted && !SAFE_UNQUOTED.test(value))) {
          throw new FormError(`unsupported characters in path literal '${value}' (quote it, no globs or escapes)`);
        }
        out.push({ kind: 'lit', text: value });
      } else if (type === 'SglQuoted' && !(part as sh.SglQuoted).Dollar) {
        out.push({ kind: 'lit', text: (part as sh.SglQuoted).Value });
      } else if (type === 'DblQuoted' && !(part as sh.DblQuoted).Dollar) {
        visit((part as sh.DblQuoted).Parts, true);
      } else if (type === 'ParamExp' || type === 'CmdSubst') {
        const text = normText(parsed, part);
        const dirVar = DIR_VAR_RE.exec(text);
        if (SELF_RE.test(text)) out.push({ kind: 'self' });
        else if (dirVar && type === 'ParamExp') out.push({ kind: 'var', name: dirVar[1] });
        else throw new FormError(`unsupported dynamic path part ${text}`);
      } else {
        throw new FormError(`unsupported path part (${type})`);
      }
    }
  };
  visit(word.Parts, false);
  // Merge adjacent literals.
  const merged: Segment[] = [];
  for (const seg of out) {
    const prev = merged[merged.length - 1];
    if (seg.kind === 'lit' && prev?.kind === 'lit') prev.text += seg.text;
    else merged.push({ ...seg });
  }
  return merged;
}

/**
 * The directory named by a `*_DIR=` right-hand side, relative to the assigning file's
 * directory ('' = that directory itself), or undefined when it is not a supported form.
 */
export function dirAssignmentRel(valueText: string): string | undefined {
  const text = valueText.replace(/\s+/g, ' ');
  for (const re of DIR_VALUE_RES) {
    const m = re.exec(text);
    if (m) return [m[1], m[2]].filter((s): s is string => Boolean(s)).join('');
  }
  return undefined;
}

/** True when the text contains a BASH_SOURCE-relative directory expression. */
export function mentionsSelfDir(text: string): boolean {
  return new RegExp(SELF).test(text.replace(/\s+/g, ' '));
}

export function isDirVarName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*_DIR$/.test(name);
}
