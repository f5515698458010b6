// The script's output protocol as the run line returns it (stderr merged into stdout): the
// LINUS_KEY:value lines, the LINUS_JSON object (the last protocol line of a run) and the exit
// code of LINUS_EXIT.

export type LinusJson = Record<string, unknown> & { result: string };

export interface RunOutput {
  /** LINUS_KEY -> value (the last value of a repeated key). */
  lines: Record<string, string>;
  /** The LINUS_JSON object; undefined when the run printed none. */
  json?: LinusJson;
  /** LINUS_EXIT of the run line; undefined when it printed none (the connection broke). */
  exit?: number;
  /** The lines for people (stderr of the script), the protocol lines left out. */
  log: string[];
}

export function parseRunOutput(text: string): RunOutput {
  const lines: Record<string, string> = {};
  const log: string[] = [];
  let json: LinusJson | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = /^LINUS_([A-Z0-9_]+):(.*)$/.exec(line);
    if (m === null) {
      if (line.trim() !== '') log.push(line);
      continue;
    }
    lines[m[1]] = m[2];
    if (m[1] === 'JSON') {
      try {
        const v = JSON.parse(m[2]) as unknown;
        if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as LinusJson).result === 'string') {
          json = v as LinusJson;
        }
      } catch {
        // not JSON: left out; the caller reports the run printed no result
      }
    }
  }
  const exit = lines.EXIT !== undefined && /^[0-9]+$/.test(lines.EXIT) ? Number(lines.EXIT) : undefined;
  return { lines, json, exit, log };
}

/** The one line a person reads first: the error and its remediation, or the result. */
export function failureText(j: LinusJson): string {
  const err = typeof j.error === 'string' ? j.error : 'the run failed';
  const rem = typeof j.remediation === 'string' && j.remediation !== 'none' ? ` (${j.remediation})` : '';
  const code = typeof j.error_code === 'number' ? `, exit ${j.error_code}` : '';
  return `${err}${rem}${code}`;
}
