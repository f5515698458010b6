// `linus run-command [-- ] ACTION ARGS...`: the one line that checks the installed script's sha256
// and runs it. The script's arguments may follow `--` or come directly (`run-command preflight`,
// `run-command status --name web1`): none of this command's own options (--remote-path, --sudo,
// --sha256, --max-chars) is an option of the script, so nothing is ambiguous.
import type { Argv, CommandModule } from 'yargs';
import { makeRunCommand, DEFAULT_REMOTE_PATH } from '../upload/index.js';
import { sha256FromFile } from '../upload/cli-args.js';
import { findBundle } from '../mcp/option-check.js';
import { checkMaxChars } from '../mcp/max-chars.js';

interface Args {
  remotePath?: string;
  sudo?: boolean;
  sha256?: string;
  maxChars?: string;
  action?: (string | number)[];
  _: (string | number)[];
  '--'?: (string | number)[];
}

export const runCommandCommand: CommandModule<object, Args> = {
  command: 'run-command [action..]',
  describe: 'print the one command line that checks and runs the uploaded script with ACTION ARGS',
  builder: (y: Argv) =>
    y
      .usage('$0 run-command [--remote-path P] [--sudo] [--sha256 HEX] [--max-chars N] [--] ACTION ARGS...')
      .parserConfiguration({ 'populate--': true, 'unknown-options-as-args': true, 'parse-positional-numbers': false })
      .positional('action', { type: 'string', array: true, describe: 'the action and its arguments (may also follow --)' })
      .option('remote-path', { type: 'string', default: DEFAULT_REMOTE_PATH, describe: 'where the script was installed' })
      .option('sudo', { type: 'boolean', describe: 'run it with sudo -n (a non-root SSH user with passwordless sudo)' })
      .option('sha256', { type: 'string', describe: 'expected sha256 of the script (default: from the .sha256 file of dist/ beside linus)' })
      .option('max-chars', { type: 'string', describe: "refuse to print a line longer than this (the MCP server's limit), or 'none'" })
      .example('$0 run-command preflight', 'check the host')
      .example('$0 run-command -- wait JOB --timeout 90', 'wait for a detached provision') as Argv<Args>,
  handler: (argv) => {
    const args = [...(argv.action ?? []), ...argv._.slice(1), ...(argv['--'] ?? [])].map(String);
    if (args.length === 0) throw new Error('name the action, e.g. linus run-command -- preflight (or: status --name NAME, list, wait JOB)');
    const sha256 = argv.sha256 ?? sha256FromFile(`${findBundle()}.sha256`);
    const line = makeRunCommand(args, { remotePath: argv.remotePath, sha256, sudo: argv.sudo === true });
    const max = argv.maxChars === undefined ? undefined : checkMaxChars(argv.maxChars);
    if (max !== undefined && line.length > max) throw new Error(`the command is ${line.length} characters, over --max-chars ${max}: shorten the arguments`);
    process.stdout.write(`${line}\n`);
  },
};
