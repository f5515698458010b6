// `linus provision-cmd [--remote-path P] [--sudo] [--max-chars N] [--bundle B] OPTIONS...`: the validated run line of a
// provision (OPTIONS as in CONTRACT §2), so an agent never composes a shell line by hand.
// The options are checked by the bundle's own parser and validators (`check-options`);
// on a bad value: the validator's message, exit 1, no line printed.
import type { Argv, CommandModule } from 'yargs';
import { checkOptions, findBundle } from '../mcp/option-check.js';
import { provisionRunLine } from '../mcp/run-line.js';

const OWN_VALUED = new Set(['--remote-path', '--bundle', '--max-chars']);

export interface ProvisionCmdArgs {
  remotePath?: string;
  bundle?: string;
  sudo?: boolean;
  maxChars?: number;
  /** The provision options, exactly as given. */
  rest: string[];
}

/** Splits our own options off the raw arguments (after the command name); the rest is the bundle's. */
export function splitProvisionArgs(raw: string[]): ProvisionCmdArgs {
  const out: ProvisionCmdArgs = { rest: [] };
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i];
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (OWN_VALUED.has(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : raw[++i];
      if (v === undefined || v === '') throw new Error(`${name} needs a value`);
      if (name === '--remote-path') out.remotePath = v;
      else if (name === '--bundle') out.bundle = v;
      else if (v !== 'none') {
        if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`--max-chars must be a positive whole number or 'none', got '${v}'`);
        out.maxChars = Number(v);
      }
    } else if (a === '--sudo') {
      out.sudo = true;
    } else if (a === '--' && out.rest.length === 0) {
      continue; // `linus provision-cmd -- --name web1` works too
    } else {
      out.rest.push(a);
    }
  }
  if (out.rest.length > 0 && !out.rest[0].startsWith('-')) {
    throw new Error(`provision-cmd takes provision options only, got '${out.rest[0]}' (for other actions: linus run-command -- ACTION ...)`);
  }
  return out;
}

/** The raw arguments after `provision-cmd` (yargs would rename and coerce them). */
function rawArgs(): string[] {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('provision-cmd');
  return i < 0 ? [] : argv.slice(i + 1);
}

export const provisionCmdCommand: CommandModule<object, object> = {
  command: 'provision-cmd',
  describe: 'print the validated line that runs a provision with these options (CONTRACT §2; plus --remote-path, --sudo, --max-chars, --bundle)',
  builder: (y: Argv) =>
    y
      .strict(false)
      .help(false)
      .version(false)
      .parserConfiguration({ 'unknown-options-as-args': true }),
  handler: () => {
    const a = splitProvisionArgs(rawArgs());
    const bundle = findBundle(a.bundle);
    const check = checkOptions(bundle, a.rest);
    if (!check.ok) throw new Error(check.error ?? 'invalid options');
    const line = provisionRunLine(a.rest, { remotePath: a.remotePath, bundle, sudo: a.sudo, maxChars: a.maxChars });
    process.stdout.write(`${line}\n`);
  },
};
