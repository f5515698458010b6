// `linus mcp --host H --user U --key PATH ...`: the MCP server of linus-provision on stdio
// (build/server/). stdout is the MCP channel; its log goes to stderr.
import type { Argv, CommandModule } from 'yargs';
import { serveStdio } from '../server/index.js';
import { DEFAULT_FOLLOW_S, DEFAULT_POLL_S, MAX_POLL_S, SSH_COMMAND_BOUND_S } from '../server/limits.js';
import { checkServerArgs, type RawServerArgs } from '../server/options.js';
import { DEFAULT_REMOTE_PATH } from '../upload/index.js';

export const mcpCommand: CommandModule<object, RawServerArgs> = {
  command: 'mcp',
  describe: 'run the MCP server of linus-provision on stdio (typed tools: preflight, provision_vm, vm_status, list_vms, destroy_vm)',
  builder: (y: Argv) =>
    y
      .usage('$0 mcp --host H [--port P] --user U --key PATH [--sudo] [--known-hosts FILE]')
      .option('host', { type: 'string', demandOption: true, describe: 'the Proxmox host (reached with the system ssh client)' })
      .option('port', { type: 'string', default: '22', describe: 'SSH port' })
      .option('user', { type: 'string', demandOption: true, describe: 'SSH user on the host (root, or one with passwordless sudo and --sudo)' })
      .option('key', { type: 'string', demandOption: true, describe: 'private key file for the SSH login (its .pub is added to new VMs)' })
      .option('sudo', { type: 'boolean', describe: 'run the script with sudo -n (a non-root SSH user)' })
      .option('known-hosts', { type: 'string', describe: 'known_hosts file with the host key (default: ssh\'s own)' })
      .option('remote-path', { type: 'string', default: DEFAULT_REMOTE_PATH, describe: 'where the script is installed on the host' })
      .option('bundle', { type: 'string', describe: 'the bundle to install (default: dist/ beside linus)' })
      .option('poll-seconds', {
        type: 'string', default: String(DEFAULT_POLL_S),
        describe: `seconds of each wait call while a provision runs (how often progress is reported), 1 .. ${MAX_POLL_S}`,
      })
      .option('follow-seconds', {
        type: 'string', default: String(DEFAULT_FOLLOW_S),
        describe: 'how long provision_vm follows a job before it answers RUNNING with the job id (when the call gives no follow_seconds)',
      })
      .epilog(`No single SSH command runs longer than ${SSH_COMMAND_BOUND_S} s (BatchMode, StrictHostKeyChecking=yes).`) as Argv<RawServerArgs>,
  handler: async (argv) => {
    await serveStdio(checkServerArgs(argv));
  },
};
