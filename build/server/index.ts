// `linus mcp`: the MCP server on stdio. It reaches the Proxmox host with the system ssh client,
// installs the bundle there itself and runs it for each tool call.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { existsSync } from 'node:fs';
import { readPublicKeyFile } from '../mcp/user-key.js';
import { VERSION } from '../version.js';
import { readCatalog } from './catalog.js';
import { Host } from './remote.js';
import { registerResources } from './resources.js';
import type { SshTarget } from './ssh.js';
import { registerTools } from './tools.js';

export interface ServerOptions {
  target: SshTarget;
  bundle: string;
  remotePath: string;
  sudo: boolean;
  pollSeconds: number;
  /** Default follow_seconds of provision_vm. */
  followSeconds: number;
}

const INSTRUCTIONS =
  'Provisions Proxmox VE VMs with linus-provision. Start with preflight; provision_vm does the whole run (it reports ' +
  'progress; when the call ends early, follow the job with vm_status job=ID); destroy_vm only after the user agreed. ' +
  'OS keys and their users: resource linus://catalog.';

function log(line: string): void {
  process.stderr.write(`linus mcp: ${line}\n`);
}

/** The public key beside the SSH key (KEY.pub): what a provision adds when it names no key. */
function defaultKeys(key: string): string[] | undefined {
  const pub = `${key}.pub`;
  if (!existsSync(pub)) return undefined;
  try {
    return [readPublicKeyFile(pub, 'the public key of --key').text];
  } catch (err) {
    log(`${(err as Error).message}; provisions add no key of yours unless ssh_keys is given`);
    return undefined;
  }
}

export function createServer(o: ServerOptions): McpServer {
  const catalog = readCatalog(o.bundle);
  const keys = catalog.entries.map((e) => e.os);
  const osKeys = [keys[0], ...keys.slice(1)] as [string, ...string[]];
  const host = new Host({ target: o.target, bundle: o.bundle, remotePath: o.remotePath, sudo: o.sudo, log });
  const server = new McpServer({ name: 'linus-provision', version: VERSION }, { instructions: INSTRUCTIONS });
  registerTools(server, {
    host, bundle: o.bundle, osKeys, pollSeconds: o.pollSeconds, followSeconds: o.followSeconds,
    defaultKeys: defaultKeys(o.target.key), log,
  });
  registerResources(server, o.bundle, catalog);
  return server;
}

/** Serves on stdin/stdout until the client closes them. */
export async function serveStdio(o: ServerOptions): Promise<void> {
  const server = createServer(o);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.on('end', () => resolve());
  });
  await server.connect(transport);
  log(`serving ${o.target.user}@${o.target.host}:${o.target.port} on stdio (bundle ${o.bundle})`);
  await closed;
  await server.close();
}
