// `--max-chars N|none`, the same in every command: 'none' (no limit) or a positive whole number.
// Zero, a negative number or any other text is a usage error (ssh-mcp reads 0 as "no limit";
// here that is spelled 'none', so a typo never silently lifts the limit).

/** undefined = no limit. Throws a one-line Error on anything else. */
export function checkMaxChars(raw: unknown): number | undefined {
  const s = String(raw).trim();
  if (s.toLowerCase() === 'none' || s.toLowerCase() === 'unlimited') return undefined;
  if (!/^[0-9]+$/.test(s) || Number(s) < 1) {
    throw new Error(`--max-chars must be a positive whole number or 'none' (no limit), got '${s}'`);
  }
  return Number(s);
}
