// `linus upload`: the commands that upload the bundle through an MCP exec tool, one a line
// (docs/UPLOAD.md): the chunk commands, one of them (--line K), their count, or the one
// --from-url line.
import type { Argv, CommandModule } from 'yargs';
import { makeFromUrlCommand, makeUploadCommands, uploadStats, DEFAULT_REMOTE_PATH, type CompressChoice } from '../upload/index.js';
import { DEFAULT_SCRIPT, parseMaxChars, parsePositive, readUserFile, writeStdout } from '../upload/cli-args.js';

interface Args {
  maxChars?: string;
  remotePath?: string;
  script?: string;
  stats?: boolean;
  fromUrl?: string;
  line?: string;
  count?: boolean;
  compress?: string;
}

const COMPRESS = ['auto', 'xz', 'gzip'] as const;

export const uploadCommand: CommandModule<object, Args> = {
  command: 'upload',
  describe: 'print the commands that upload the bundle through an MCP exec tool, one a line',
  builder: (y: Argv) =>
    y
      .option('max-chars', { type: 'string', describe: "the MCP server's command length limit: N or 'none' (default none; never over 100000)" })
      .option('remote-path', { type: 'string', default: DEFAULT_REMOTE_PATH, describe: 'where the script is installed on the host (absolute)' })
      .option('from-url', { type: 'string', describe: 'print ONE line that makes the host download the bundle from this URL (the release of this exact version), check its sha256 and install it' })
      .option('line', { type: 'string', describe: 'print only command K (1 = first), for a shell whose output is cut' })
      .option('count', { type: 'boolean', describe: 'print only the number of commands' })
      .option('compress', { type: 'string', choices: COMPRESS, default: 'auto', describe: 'payload compression: xz (auto: when this machine has the xz program) or gzip' })
      .option('script', { type: 'string', default: DEFAULT_SCRIPT, describe: 'the bundle to upload' })
      .option('stats', { type: 'boolean', describe: 'also print counts (commands, characters, ratio to plain base64) on stderr' })
      .conflicts('from-url', ['line', 'count', 'max-chars'])
      .conflicts('line', 'count')
      .example('$0 upload --max-chars 5000 --count', 'how many commands ssh-mcp 2 needs at its default limit')
      .example('$0 upload --max-chars 5000 --line 1', 'the first of them')
      .example('$0 upload --from-url https://github.com/OWNER/linus-provision/releases/download/v0.1.0/linus-provision-proxmox.sh', 'one line: the host downloads the release itself') as Argv<Args>,
  handler: (argv) => {
    const script = readUserFile(argv.script ?? DEFAULT_SCRIPT, 'the bundle', argv.script === DEFAULT_SCRIPT ? 'run npm run build first' : '');
    if (argv.fromUrl !== undefined) {
      writeStdout(`${makeFromUrlCommand(script, { url: argv.fromUrl, remotePath: argv.remotePath })}\n`);
      return;
    }
    const maxChars = parseMaxChars(argv.maxChars);
    const line = argv.line === undefined ? undefined : parsePositive(argv.line, '--line');
    const cmds = makeUploadCommands(script, { maxChars, remotePath: argv.remotePath, compress: argv.compress as CompressChoice });
    if (argv.count) {
      writeStdout(`${cmds.length}\n`);
    } else if (line !== undefined) {
      if (line > cmds.length) throw new Error(`--line ${line} is past the last command: there are ${cmds.length} (linus upload --count)`);
      writeStdout(`${cmds[line - 1]}\n`);
    } else {
      writeStdout(cmds.map((c) => `${c}\n`).join(''));
    }
    if (argv.stats) {
      const s = uploadStats(script, cmds);
      process.stderr.write(
        `linus: ${s.commands} commands, ${s.totalChars} characters, longest ${s.maxCommandChars}, ${s.ratio.toFixed(3)} of plain base64 (${s.plainBase64Chars})\n`,
      );
    }
  },
};
