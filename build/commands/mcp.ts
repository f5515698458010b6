// `linus mcp --host H --user U --key PATH ...`: the MCP server of linus-provision on stdio
// (build/server/). stdout is the MCP channel; its log goes to stderr.
import type { Argv, CommandModule } from 'yargs';
import { serveStdio } from '../server/index.js';
import { DEFAULT_FOLLOW_S, DEFAULT_POLL_S, MAX_POLL_S, SSH_COMMAND_BOUND_S } from '../server/limits.js';
import { checkServerArgs, type RawServerArgs } from '../server/options.js';
import { DEFAULT_REMOTE_PATH } from '../upload/index.js';

const str = (describe: string, more: { default?: string; demandOption?: boolean } = {}) =>
  ({ type: 'string' as const, describe, ...more });

export const mcpCommand: CommandModule<object, RawServerArgs> = {
  command: 'mcp',
  describe: 'run the MCP server of linus-provision on stdio ' +
    '(typed tools: preflight, provision_vm, vm_status, list_vms, destroy_vm)',
  builder: (y: Argv) =>
    y
      .usage('$0 mcp --host H [--port P] --user U --key PATH [--sudo] [--known-hosts FILE]')
      // an option given twice: the last one counts (as in ssh), never an array
      .parserConfiguration({ 'duplicate-arguments-array': false })
      .option('host', str('the Proxmox host (reached with the system ssh client)', { demandOption: true }))
      .option('port', str('SSH port', { default: '22' }))
      .option('user', str('SSH user on the host (root, or one with passwordless sudo: --sudo)', { demandOption: true }))
      .option('key', str('private key file for the SSH login (its .pub is added to new VMs)', { demandOption: true }))
      .option('sudo', { type: 'boolean', describe: 'run the script with sudo -n (a non-root SSH user)' })
      .option('known-hosts', str("known_hosts file with the host key (default: ssh's own)"))
      .option('remote-path', str('where the script is installed on the host', { default: DEFAULT_REMOTE_PATH }))
      .option('bundle', str('the bundle to install (default: dist/ beside linus)'))
      .option('poll-seconds', str(
        `seconds of each wait call while a provision runs (how often progress is reported), 1 .. ${MAX_POLL_S}`,
        { default: String(DEFAULT_POLL_S) },
      ))
      .option('follow-seconds', str(
        'how long provision_vm follows a job before it answers RUNNING with the job id (when the call gives none)',
        { default: String(DEFAULT_FOLLOW_S) },
      ))
      .epilog(`No single SSH command runs longer than ${SSH_COMMAND_BOUND_S} s ` +
        '(BatchMode, StrictHostKeyChecking=yes).') as Argv<RawServerArgs>,
  handler: async (argv) => {
    await serveStdio(checkServerArgs(argv));
  },
};
