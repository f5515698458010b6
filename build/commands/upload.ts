// `linus upload`: the upload commands for an MCP exec tool, one a line (CONTRACT §5).
import type { Argv, CommandModule } from 'yargs';
import { makeUploadCommands, uploadStats, DEFAULT_REMOTE_PATH } from '../upload/index.js';
import { DEFAULT_SCRIPT, parseMaxChars, readUserFile } from '../upload/cli-args.js';

interface Args {
  maxChars?: string;
  remotePath?: string;
  script?: string;
  stats?: boolean;
}

export const uploadCommand: CommandModule<object, Args> = {
  command: 'upload',
  describe: 'print the commands that upload the bundle through an MCP exec tool, one a line',
  builder: (y: Argv) =>
    y
      .option('max-chars', { type: 'string', describe: "the MCP server's command length limit: N or 'none' (default none; never over 100000)" })
      .option('remote-path', { type: 'string', default: DEFAULT_REMOTE_PATH, describe: 'where the script is installed on the host (absolute)' })
      .option('script', { type: 'string', default: DEFAULT_SCRIPT, describe: 'the bundle to upload' })
      .option('stats', { type: 'boolean', describe: 'also print counts (commands, characters, ratio to plain base64) on stderr' })
      .example('$0 upload --max-chars 1000', 'commands for ssh-mcp 1 at its default limit')
      .example('$0 upload --max-chars 5000', 'commands for ssh-mcp 2 at its default limit') as Argv<Args>,
  handler: (argv) => {
    const script = readUserFile(argv.script ?? DEFAULT_SCRIPT, 'the bundle', argv.script === DEFAULT_SCRIPT ? 'run npm run build first' : '');
    const cmds = makeUploadCommands(script, { maxChars: parseMaxChars(argv.maxChars), remotePath: argv.remotePath });
    process.stdout.write(cmds.map((c) => `${c}\n`).join(''));
    if (argv.stats) {
      const s = uploadStats(script, cmds);
      process.stderr.write(
        `linus: ${s.commands} commands, ${s.totalChars} characters, longest ${s.maxCommandChars}, ${s.ratio.toFixed(3)} of plain base64 (${s.plainBase64Chars})\n`,
      );
    }
  },
};
