// `linus agent-instructions [--client C]`: the instruction text for the agent, to put in
// CLAUDE.md (Claude Code), GEMINI.md (Gemini CLI), AGENTS.md (Codex) or the project
// instructions of Claude Desktop. The values saved by `linus mcp-config` (server name, exec
// tool, command limit, wait timeout, the sftp-upload-file source) are filled in.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { CLIENTS, DEFAULT_WAIT_SECONDS, SFTP_UPLOAD_TOOL, type ClientKind } from '../mcp/config.js';
import { DEFAULT_SERVER_NAME } from '../mcp/options.js';
import { readSettings, type LinusSettings } from '../mcp/settings.js';
import { DEFAULT_REMOTE_PATH } from '../upload/index.js';

interface Args {
  client?: string;
}

/** How the agent starts the CLI: the absolute path of this very CLI, so any directory works. */
function linusCommand(): string {
  let p = resolve(process.argv[1] ?? 'dist/cli.js');
  try {
    p = realpathSync(p);
  } catch {
    // keep the path as given
  }
  return p.endsWith('.js') ? `node ${p}` : `node --import tsx ${p}`;
}

interface InstructionInputs {
  client: ClientKind | undefined;
  settings: LinusSettings;
  linus: string;
}

function instructionsText(i: InstructionInputs): string {
  const s = i.settings;
  const server = s.server ?? DEFAULT_SERVER_NAME;
  const exec = s.sshMcp === 1 ? 'exec' : 'run-command';
  const wait = s.waitSeconds ?? DEFAULT_WAIT_SECONDS;
  const mc = s.maxChars === undefined ? '' : ` --max-chars ${s.maxChars}`;
  const shell = i.client !== 'claude-desktop';
  const run = (cmd: string): string => (shell ? `run \`linus ${cmd}\` and send its line` : `ask the user for the line of \`linus ${cmd}\` and send it`);
  const ways: string[][] = [];
  if (s.sftpLocalPath !== undefined && s.sshMcp !== 1) {
    ways.push([
      `call ${SFTP_UPLOAD_TOOL} with ${JSON.stringify({ localPath: s.sftpLocalPath, remotePath: DEFAULT_REMOTE_PATH, overwrite: true })};`,
      'if that tool is missing or refused, take the next way;',
    ]);
  }
  ways.push([`with a download URL of the bundle (a release): ${run('upload --from-url URL')}; expect LINUS_UPLOAD:OK;`]);
  ways.push([
    `else: \`linus upload${mc} --count\` gives the number of lines; send \`linus upload${mc} --line K\` for`,
    'K = 1..count in order. On "LINUS_UPLOAD:FAILED:chunk K corrupt: re-send line K" re-send line K only;',
    'the last line names every missing chunk: send those lines, then the last line again.',
  ]);
  const upload = ways.flatMap((w, k) => w.map((l, j) => `   ${j === 0 ? `${'abc'[k]}. ` : '   '}${l}`));
  const lines = [
    `You provision Proxmox VE VMs with linus-provision, through the MCP server "${server}" only.`,
    shell
      ? `linus means: ${i.linus} (on this machine, never on the host).`
      : 'You have no shell: the user runs linus on their machine and gives you the line it prints.',
    'Rules:',
    `1. Every command you send to the ${exec} tool is a line printed by linus, sent verbatim, one line a`,
    '   call. Never write, join, split or edit shell lines yourself.',
    '2. Upload the script (once per build), the first way that works:',
    ...upload,
    `3. Preflight: ${run('run-command -- preflight')}; go on only on LINUS_RESULT:SUCCESS.`,
    `4. Dry run: ${run('provision-cmd OPTIONS --dry-run')}; expect LINUS_RESULT:DRY_RUN.`,
    `5. Provision: ${run('provision-cmd OPTIONS')}. It answers LINUS_RESULT:STARTED and LINUS_JOB:<id>.`,
    `   Then ${run(`run-command -- wait <id> --timeout ${wait}`)}; send it again while LINUS_RESULT is RUNNING.`,
    '6. Read only lines starting with LINUS_. LINUS_EXIT:<code> comes last; without it the call was cut',
    '   short: send the wait line again (or status --name NAME).',
    '7. Exit codes: 0 done; 1 bad value (fix that option, do not resend); 2 a tool missing on the host;',
    '   3 a setting missing; 4 host not ready (pick a value LINUS_REMEDIATION lists); 5 a Proxmox operation',
    '   failed; 6 no IP/SSH in time; 7 the name exists (ask the user); 126 the script is missing or another',
    '   build: upload again. On LINUS_RESULT:FAILURE quote LINUS_ERROR and LINUS_REMEDIATION to the user.',
    '8. On LINUS_RESULT:SUCCESS report: ssh <LINUS_VM_USER>@<LINUS_VM_IP>, LINUS_VM_ID, LINUS_VM_NODE and the',
    '   host key LINUS_VM_HOST_KEY_SHA256_HEX; repeat every LINUS_WARNING line. Never claim success without',
    '   LINUS_RESULT:SUCCESS. Never destroy a VM unless the user asks.',
  ];
  return `${lines.join('\n')}\n`;
}

export const agentInstructionsCommand: CommandModule<object, Args> = {
  command: 'agent-instructions',
  describe: 'print the instructions for the agent (for CLAUDE.md, GEMINI.md or AGENTS.md)',
  builder: (y: Argv) =>
    y
      .option('client', { type: 'string', describe: `the MCP client: ${CLIENTS.join(', ')} (default: the one of mcp-config)` })
      .example('$0 agent-instructions >> CLAUDE.md', 'Claude Code')
      .example('$0 agent-instructions >> GEMINI.md', 'Gemini CLI')
      .example('$0 agent-instructions >> AGENTS.md', 'Codex') as Argv<Args>,
  handler: (argv) => {
    const settings = readSettings();
    const raw = argv.client ?? settings.client;
    if (raw !== undefined && !(CLIENTS as readonly string[]).includes(raw)) {
      throw new Error(`--client must be one of: ${CLIENTS.join(', ')} (got '${raw}')`);
    }
    process.stdout.write(instructionsText({ client: raw as ClientKind | undefined, settings, linus: linusCommand() }));
  },
};
