// @ts-check
// PVE CLIHandler/JSONSchema::get_options: Getopt::Long with `-`/`--` prefixes, unique-prefix
// abbreviations, `--opt=value`, and bare booleans.
import { die } from './util.mjs';
import { propKey } from './schema.mjs';

/**
 * @param {string[]} args
 * @param {Record<string, any>} props  schema properties allowed as options
 * @param {{positional?: string[], usage: string, extra?: Record<string, any>}} o
 * @returns {{params: Record<string, string>, pos: string[]}}
 */
export function getopt(args, props, o) {
  const all = { ...props, ...(o.extra ?? {}) };
  const names = Object.keys(all).filter((k) => !k.includes('[n]'));
  /** @type {Record<string, string>} */
  const params = {};
  /** @type {string[]} */
  const pos = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^--?([a-zA-Z][\w-]*)(?:=([\s\S]*))?$/.exec(a);
    if (!m) { pos.push(a); continue; }
    let name = m[1];
    let key = propKey(all, name);
    if (!key) {
      const cands = names.filter((n) => n.startsWith(name));
      if (cands.length === 1) { name = cands[0]; key = name; } else {
        die(`${cands.length > 1 ? `Option ${name} is ambiguous (${cands.join(', ')})` : `Unknown option: ${name}`}\n400 unable to parse option\n${o.usage}`);
      }
    }
    const spec = all[/** @type {string} */ (key)];
    if (m[2] !== undefined) params[name] = m[2];
    else if (spec.type === 'boolean' && (i + 1 >= args.length || /^-/.test(args[i + 1]))) params[name] = '1';
    else if (i + 1 < args.length) params[name] = args[++i];
    else die(`Option ${name} requires an argument\n400 unable to parse option\n${o.usage}`);
  }
  const want = o.positional ?? [];
  if (pos.length > want.length) die(`400 too many arguments\n${o.usage}`);
  if (pos.length < want.length) die(`400 not enough arguments\n${o.usage}`);
  return { params, pos };
}
