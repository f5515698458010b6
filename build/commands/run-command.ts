// `linus run-command`: the one line that checks the installed script's sha256 and runs it.
import type { Argv, CommandModule } from 'yargs';
import { makeRunCommand, DEFAULT_REMOTE_PATH } from '../upload/index.js';
import { DEFAULT_SCRIPT, sha256FromFile } from '../upload/cli-args.js';

interface Args {
  remotePath?: string;
  sudo?: boolean;
  sha256?: string;
  maxChars?: string;
  _: (string | number)[];
  '--'?: (string | number)[];
}

export const runCommandCommand: CommandModule<object, Args> = {
  command: 'run-command',
  describe: 'print the one command line that checks and runs the uploaded script with ARGS (after --)',
  builder: (y: Argv) =>
    y
      .usage('$0 run-command [--remote-path P] [--sudo] [--sha256 HEX] -- ARGS...')
      .parserConfiguration({ 'populate--': true })
      .option('remote-path', { type: 'string', default: DEFAULT_REMOTE_PATH, describe: 'where the script was installed' })
      .option('sudo', { type: 'boolean', describe: 'run it with sudo -n (a non-root SSH user with passwordless sudo)' })
      .option('sha256', { type: 'string', describe: `expected sha256 of the script (default: from ${DEFAULT_SCRIPT}.sha256)` })
      .option('max-chars', { type: 'string', describe: "refuse to print a line longer than this (the MCP server's limit)" })
      .example('$0 run-command -- provision --name web1 --cores 4', 'run a provision') as Argv<Args>,
  handler: (argv) => {
    const extra = argv._.slice(1);
    if (extra.length > 0) throw new Error(`put the script's arguments after --, e.g. linus run-command -- ${extra.join(' ')}`);
    const args = (argv['--'] ?? []).map(String);
    const sha256 = argv.sha256 ?? sha256FromFile(`${DEFAULT_SCRIPT}.sha256`);
    const line = makeRunCommand(args, { remotePath: argv.remotePath, sha256, sudo: argv.sudo === true });
    const max = argv.maxChars === undefined || argv.maxChars === 'none' ? undefined : Number(argv.maxChars);
    if (max !== undefined && !(max > 0)) throw new Error(`--max-chars must be a number or 'none', got '${argv.maxChars}'`);
    if (max !== undefined && line.length > max) throw new Error(`the command is ${line.length} characters, over --max-chars ${max}: shorten the arguments`);
    process.stdout.write(`${line}\n`);
  },
};
