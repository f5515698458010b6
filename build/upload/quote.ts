// Quoting for POSIX sh (dash and bash read it the same way).

/** Characters that never need quoting as a word in sh (and are not glob or syntax characters). */
const BARE = /^[A-Za-z0-9_.,:=@%+/-]+$/;

/** One shell word that the shell turns back into exactly `s`: bare when safe, else single quotes. */
export function shWord(s: string): string {
  if (s !== '' && BARE.test(s) && !s.startsWith('=')) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Single quotes always (for values assigned to variables, where `~` or `=` must stay literal). */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A string that cannot travel inside a one-line command (line breaks, NUL, other control characters). */
export function hasLineBreakOrControl(s: string): boolean {
  // control characters are exactly what we look for
  return /[\u0000-\u001f\u007f\u2028\u2029]/.test(s);
}
