// `linus provision-cmd [LINUS OPTIONS] OPTIONS...`: the validated run line of a provision, so an
// agent never composes a shell line by hand. OPTIONS are the bundle's (its --help lists them);
// they are checked by the bundle's own parser and validators (`check-options`, offline); on a
// bad value: the validator's message, exit 1, no line printed.
// By default the line starts the provision detached (--detach: it answers at once with a job
// id, then `wait JOB` calls follow) and adds the user's public key (--ssh-key); a
// --ssh-key-file is read here, on the agent's machine, and sent as key text.
import { spawnSync } from 'node:child_process';
import type { Argv, CommandModule } from 'yargs';
import { checkOptions, findBundle } from '../mcp/option-check.js';
import { provisionRunLine } from '../mcp/run-line.js';
import { checkMaxChars } from '../mcp/max-chars.js';
import { chooseUserKey, readPublicKeyFile } from '../mcp/user-key.js';
import { readSettings } from '../mcp/settings.js';
import { DEFAULT_WAIT_SECONDS } from '../mcp/config.js';

const OWN_VALUED = new Set(['--remote-path', '--bundle', '--max-chars', '--key']);
const OWN_FLAGS = new Set(['--sudo', '--foreground', '--no-user-key', '--help', '-h']);

interface ProvisionCmdArgs {
  remotePath?: string;
  bundle?: string;
  sudo?: boolean;
  maxChars?: number;
  /** --key PATH: the user's key (PATH or PATH.pub) to add instead of the default one. */
  key?: string;
  foreground?: boolean;
  noUserKey?: boolean;
  help?: boolean;
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
      else if (name === '--key') out.key = v;
      else out.maxChars = checkMaxChars(v);
    } else if (OWN_FLAGS.has(a)) {
      if (a === '--sudo') out.sudo = true;
      else if (a === '--foreground') out.foreground = true;
      else if (a === '--no-user-key') out.noUserKey = true;
      else out.help = true;
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

/** Value of option NAME in ARGS (`--name V` or `--name=V`), and where it is. */
function findOption(args: string[], name: string): { index: number; width: number; value?: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return { index: i, width: 2, value: args[i + 1] };
    if (args[i].startsWith(`${name}=`)) return { index: i, width: 1, value: args[i].slice(name.length + 1) };
  }
  return undefined;
}

/**
 * The bundle's options as sent to the host: a --ssh-key-file is read here and becomes
 * --ssh-key TEXT; without any key option (and without --no-user-key) the user's key is added;
 * --detach unless --foreground or --dry-run. Notes for stderr are pushed to `notes`.
 */
function hostOptions(a: ProvisionCmdArgs, notes: string[]): string[] {
  const rest = [...a.rest];
  const file = findOption(rest, '--ssh-key-file');
  const given = findOption(rest, '--ssh-key');
  if (file !== undefined) {
    if (given !== undefined) throw new Error('give --ssh-key or --ssh-key-file, not both (one run line carries one key)');
    if (file.value === undefined || file.value === '') throw new Error('--ssh-key-file needs a value');
    const k = readPublicKeyFile(file.value, 'the --ssh-key-file');
    rest.splice(file.index, file.width, '--ssh-key', k.text);
    notes.push(`--ssh-key-file ${k.path} is read here and sent as --ssh-key`);
  } else if (given === undefined && a.noUserKey !== true) {
    const choice = chooseUserKey(a.key);
    if (choice.key !== undefined) {
      rest.push('--ssh-key', choice.key.text);
      notes.push(`added your public key ${choice.key.path} (--ssh-key); --no-user-key leaves it out`);
    } else if (choice.note !== undefined) {
      notes.push(choice.note);
    }
  } else if (a.key !== undefined) {
    throw new Error(a.noUserKey ? 'give --key or --no-user-key, not both' : '--key is not used with --ssh-key: drop one');
  }
  const dry = rest.includes('--dry-run');
  if (a.foreground !== true && !dry && !rest.includes('--detach')) {
    rest.push('--detach');
    const s = readSettings().waitSeconds ?? DEFAULT_WAIT_SECONDS;
    notes.push(`detached: it answers with LINUS_JOB:<id>; then send the line of linus run-command -- wait <id> --timeout ${s} until LINUS_RESULT is not RUNNING (--foreground: no job)`);
  }
  if (a.foreground === true && rest.includes('--detach')) throw new Error('give --foreground or --detach, not both');
  return rest;
}

const USAGE = `Usage: linus provision-cmd [LINUS OPTIONS] PROVISION OPTIONS...

Prints the one line that runs a provision on the host with these options, after checking every
value with the script's own validators (a bad value: its message, exit 1, no line).

Linus options:
  --foreground       run in the foreground (default: --detach, then wait JOB calls)
  --key PATH         add the public key PATH.pub (or PATH when it ends in .pub) to the VM;
                     default: the .pub of mcp-config --key, else ~/.ssh/id_ed25519.pub, id_rsa.pub
  --no-user-key      add no key of yours (the VM then accepts the Proxmox host root's key only)
  --sudo             run the script with sudo -n (a non-root SSH user with passwordless sudo)
  --remote-path P    where the script was uploaded (default /tmp/linus-provision-proxmox.sh)
  --max-chars N      refuse a line longer than N (the MCP server's command limit), or 'none'
  --bundle FILE      the bundle whose sha256 the line checks (default: dist/ beside linus)
  --ssh-key-file F   (a provision option) read here, on this machine, and sent as --ssh-key

Provision options (of the script):
`;

/** The script's own help text (it goes to its stderr), from "Options of provision" on. */
function bundleOptionsHelp(bundle: string | undefined): string {
  if (bundle === undefined) return '  (run npm run build, then: bash dist/linus-provision-proxmox.sh --help)\n';
  const r = spawnSync('bash', [bundle, '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }, timeout: 30_000 });
  const text = `${r.stderr ?? ''}`;
  const i = text.indexOf('Options of provision');
  return i < 0 ? text : text.slice(text.indexOf('\n', i) + 1);
}

/** The raw arguments after `provision-cmd` (yargs would rename and coerce them). */
function rawArgs(): string[] {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('provision-cmd');
  return i < 0 ? [] : argv.slice(i + 1);
}

export const provisionCmdCommand: CommandModule<object, object> = {
  command: 'provision-cmd',
  describe: 'print the validated line that runs a provision with these options (detached, with your public key; see provision-cmd --help)',
  builder: (y: Argv) =>
    y
      .strict(false)
      .help(false)
      .version(false)
      .parserConfiguration({ 'unknown-options-as-args': true }),
  handler: () => {
    const a = splitProvisionArgs(rawArgs());
    if (a.help === true) {
      let bundle: string | undefined;
      try {
        bundle = findBundle(a.bundle);
      } catch {
        bundle = undefined;
      }
      process.stdout.write(USAGE + bundleOptionsHelp(bundle));
      return;
    }
    const bundle = findBundle(a.bundle);
    const notes: string[] = [];
    const options = hostOptions(a, notes);
    const check = checkOptions(bundle, options);
    if (!check.ok) throw new Error(check.error ?? 'invalid options');
    const line = provisionRunLine(options, { remotePath: a.remotePath, bundle, sudo: a.sudo, maxChars: a.maxChars });
    for (const n of notes) process.stderr.write(`linus: ${n}\n`);
    process.stdout.write(`${line}\n`);
  },
};
