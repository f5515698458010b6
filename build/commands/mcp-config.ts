// `linus mcp-config`: a ready MCP client configuration for the ssh-mcp server
// (docs/AGENT-GUIDE.md, step 0). stdout: the configuration only (JSON, or TOML for codex; or
// the ssh-mcp 2 profile with --emit profile). Notes for people go to stderr: where the file
// goes, the timeouts to set, the sftp-upload-file call. It also saves the key and the wait
// timeout for provision-cmd and agent-instructions (~/.config/linus-provision/settings.json).
import type { Argv, CommandModule } from 'yargs';
import { clientConfig, clientNotes, profileToml, waitSeconds, CLIENTS, GROUPS, SFTP_UPLOAD_TOOL, type McpConfigOptions } from '../mcp/config.js';
import { checkMcpConfigArgs, defaultProfileDir, type RawMcpConfigArgs } from '../mcp/options.js';
import { prepareTransferRoot, writeProfileFile } from '../mcp/profile-file.js';
import { BUNDLE_NAME } from '../mcp/option-check.js';
import { settingsPath, writeSettings } from '../mcp/settings.js';
import { DEFAULT_REMOTE_PATH } from '../upload/index.js';
import { dirname, join } from 'node:path';
import { linusEntryOptions } from '../mcp/linus-options.js';
import { linusClientConfig, linusClientNotes } from '../mcp/linus-entry.js';

interface Args extends RawMcpConfigArgs {
  server?: string;
  knownHosts?: string;
  sudo?: boolean;
  transferRoot?: string;
  writeProfile?: boolean;
  force?: boolean;
  emit?: string;
}

function shq(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The user's own arguments minus --emit (the hint adds its own). */
function withoutEmit(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--emit') i++;
    else if (!args[i].startsWith('--emit=')) out.push(args[i]);
  }
  return out;
}

export const mcpConfigCommand: CommandModule<object, Args> = {
  command: 'mcp-config',
  describe: 'print an MCP client configuration: for ssh-mcp (default), or --server linus for linus mcp',
  builder: (y: Argv) =>
    y
      .option('server', {
        type: 'string', default: 'ssh-mcp',
        describe: 'the MCP server: ssh-mcp (exec tool) or linus (linus mcp, typed tools)',
      })
      .option('known-hosts', {
        type: 'string', describe: "--server linus: known_hosts file with the host key (default: ssh's own)",
      })
      .option('sudo', {
        type: 'boolean', describe: '--server linus: run the script with sudo -n (a non-root SSH user)',
      })
      .option('client', { type: 'string', demandOption: true, describe: `the MCP client: ${CLIENTS.join(', ')}` })
      .option('host', { type: 'string', demandOption: true, describe: 'the Proxmox host' })
      .option('user', { type: 'string', demandOption: true, describe: 'SSH user on the host' })
      .option('key', { type: 'string', describe: 'private key file the client machine uses' })
      .option('port', { type: 'string', default: '22', describe: 'SSH port' })
      .option('timeout-ms', { type: 'string', default: '120000', describe: "the server's per-command timeout" })
      .option('max-chars', { type: 'string', default: 'none', describe: "the server's command length limit ('none' or N)" })
      .option('ssh-mcp', { type: 'string', default: '2', describe: 'major version of ssh-mcp: 1 or 2' })
      .option('password-env', { type: 'boolean', describe: 'ssh-mcp 2: password from $SSH_MCP_PASSWORD of the client instead of a key' })
      .option('name', {
        type: 'string', describe: "the server's name in the client (default linus-pve; linus with --server linus)",
      })
      .option('profile-dir', { type: 'string', describe: `ssh-mcp 2: directory of its profile file (default ${defaultProfileDir()})` })
      .option('group', { type: 'string', describe: `ssh-mcp 2: policy tier of the host: ${GROUPS.join(', ')} (default prod; sudo needs staging or dev)` })
      .option('write-profile', { type: 'boolean', describe: 'ssh-mcp 2: write the profile file (mode 600, directory 700)' })
      .option('force', { type: 'boolean', describe: 'with --write-profile: replace a profile file with other content' })
      .option('transfer-root', { type: 'string', describe: 'ssh-mcp 2: local directory sftp-upload-file may read (default: dist/ beside linus, holding the bundle)' })
      .option('emit', { type: 'string', default: 'client', describe: 'what to print: client (the entry) or profile (the ssh-mcp 2 profile file)' }) as Argv<Args>,
  handler: (argv) => {
    if (argv.server === 'linus') {
      printLinusEntry(argv);
      return;
    }
    if (argv.server !== 'ssh-mcp') throw new Error(`--server must be ssh-mcp or linus, got '${argv.server}'`);
    if (argv.knownHosts !== undefined || argv.sudo !== undefined) {
      throw new Error('--known-hosts and --sudo are options of --server linus');
    }
    const o = checkMcpConfigArgs(argv);
    if (argv.emit !== 'client' && argv.emit !== 'profile') throw new Error(`--emit must be client or profile, got '${argv.emit}'`);
    const note = (s: string): void => {
      process.stderr.write(`linus: ${s}\n`);
    };
    if (o.sshMcp === 1 && (argv.writeProfile || argv.emit === 'profile')) {
      throw new Error('ssh-mcp 1 has no profile file: drop --write-profile / --emit profile');
    }
    // The transfer root is checked before anything is printed or written: a bad one is one line.
    let fix: string | undefined;
    if (o.transferRoot !== undefined && argv.emit !== 'profile') {
      try {
        fix = prepareTransferRoot(o.transferRoot, argv.writeProfile === true);
      } catch (err) {
        // A root the user named must work; the default one (dist/ of a shared install, say)
        // only costs the file tool: the agent then takes the next upload way.
        if (argv.transferRoot !== undefined) throw err;
        fix = `${(err as Error).message}; until then ${SFTP_UPLOAD_TOOL} refuses and the agent uses the next upload way`;
      }
    }
    if (argv.emit === 'profile') {
      process.stdout.write(profileToml(o));
      return;
    }
    const text = clientConfig(o);
    if (o.sshMcp === 2) {
      if (argv.writeProfile) {
        const outcome = writeProfileFile(o.profilePath, profileToml(o), argv.force === true);
        note(`${outcome} ${o.profilePath} (mode 600, directory 700)`);
      } else {
        const again = withoutEmit(process.argv.slice(2)).map(shq).join(' ');
        note(`the entry reads ${o.profilePath}; create it with: linus ${again} --write-profile`);
        note(`or: install -d -m 700 ${shq(dirname(o.profilePath))} && (umask 077 && linus ${again} --emit profile > ${shq(o.profilePath)})`);
      }
    }
    if (o.transferRoot !== undefined) {
      if (fix !== undefined) note(fix);
      note(`upload the bundle with the tool ${SFTP_UPLOAD_TOOL}: ${JSON.stringify(sftpCall(o.transferRoot))}`);
    }
    for (const n of clientNotes(o)) note(n);
    saveSettings(o, note);
    process.stdout.write(text);
  },
};

/** The arguments of the sftp-upload-file call that puts the bundle where run-command expects it. */
export function sftpCall(transferRoot: string): { localPath: string; remotePath: string; overwrite: boolean } {
  return { localPath: join(transferRoot, BUNDLE_NAME), remotePath: DEFAULT_REMOTE_PATH, overwrite: true };
}

function saveSettings(o: McpConfigOptions, note: (s: string) => void): void {
  try {
    writeSettings({
      key: o.key,
      waitSeconds: waitSeconds(o),
      client: o.client,
      server: o.serverName,
      sshMcp: o.sshMcp,
      maxChars: o.maxChars === 'none' ? undefined : o.maxChars,
      sftpLocalPath: o.transferRoot === undefined ? undefined : sftpCall(o.transferRoot).localPath,
    });
    note(`saved the key and wait --timeout ${waitSeconds(o)} for provision-cmd and agent-instructions in ${settingsPath()}`);
  } catch (err) {
    note(`could not save ${settingsPath()} (${(err as NodeJS.ErrnoException).code ?? 'error'}); provision-cmd then looks for ~/.ssh/id_ed25519.pub`);
  }
}

/** --server linus: the entry that starts `linus mcp` (nothing saved, no profile file). */
function printLinusEntry(argv: Args): void {
  const o = linusEntryOptions(argv);
  for (const n of linusClientNotes(o)) process.stderr.write(`linus: ${n}\n`);
  process.stdout.write(linusClientConfig(o));
}
