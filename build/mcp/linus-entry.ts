// `linus mcp-config --server linus`: the client entry that starts this package's own MCP server
// (`linus mcp`, build/server/) with the node running now and the absolute path of dist/cli.js.
// Pure functions: options in, texts out.
import { stringify as tomlStringify } from 'smol-toml';
import type { ClientKind } from './config.js';
import { DEFAULT_FOLLOW_S } from '../server/limits.js';

export const LINUS_TOOLS = ['preflight', 'provision_vm', 'vm_status', 'list_vms', 'destroy_vm'] as const;
export const DEFAULT_LINUS_SERVER_NAME = 'linus';
/** Claude Desktop gives a call about 60 s: provision_vm answers before that, then vm_status follows. */
const DESKTOP_FOLLOW_S = 45;
/** How much longer the client waits for a call than provision_vm follows a job. */
const MARGIN_S = 60;

export interface LinusEntryOptions {
  client: ClientKind;
  serverName: string;
  /** The node binary and the CLI file the client starts. */
  node: string;
  cli: string;
  host: string;
  port: number;
  user: string;
  key: string;
  knownHosts?: string;
  sudo: boolean;
}

/** Seconds provision_vm follows a job for this client. */
export function followSeconds(client: ClientKind): number {
  return client === 'claude-desktop' ? DESKTOP_FOLLOW_S : DEFAULT_FOLLOW_S;
}

export function linusServerArgs(o: LinusEntryOptions): string[] {
  const args = [o.cli, 'mcp', '--host', o.host, '--port', String(o.port), '--user', o.user, '--key', o.key];
  if (o.knownHosts !== undefined) args.push('--known-hosts', o.knownHosts);
  if (o.sudo) args.push('--sudo');
  if (o.client === 'claude-desktop') args.push('--follow-seconds', String(DESKTOP_FOLLOW_S));
  return args;
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** The client's configuration text (JSON, or TOML for codex). */
export function linusClientConfig(o: LinusEntryOptions): string {
  const command = o.node;
  const args = linusServerArgs(o);
  const timeoutS = followSeconds(o.client) + MARGIN_S;
  switch (o.client) {
    case 'claude-code':
      return json({ mcpServers: { [o.serverName]: { type: 'stdio', command, args, env: {} } } });
    case 'claude-desktop':
      return json({ mcpServers: { [o.serverName]: { command, args, env: {} } } });
    case 'gemini':
      return json({
        mcpServers: {
          [o.serverName]: {
            command, args, env: {}, timeout: timeoutS * 1000, trust: false, includeTools: [...LINUS_TOOLS],
          },
        },
      });
    case 'codex':
      return `${tomlStringify({
        mcp_servers: { [o.serverName]: { command, args, startup_timeout_sec: 60, tool_timeout_sec: timeoutS } },
      })}\n`;
  }
}

/** Where the entry goes and which timeout to set (stderr). */
export function linusClientNotes(o: LinusEntryOptions): string[] {
  const t = followSeconds(o.client) + MARGIN_S;
  const follow = `provision_vm follows a job up to ${followSeconds(o.client)} s, then answers RUNNING; ` +
    'vm_status with the job id follows it further';
  switch (o.client) {
    case 'claude-code':
      return ['save as .mcp.json at the project root (or merge its "mcpServers" entry)',
        `timeouts: set MCP_TOOL_TIMEOUT=${t * 1000} (ms) in the "env" of ~/.claude/settings.json; ${follow}`];
    case 'claude-desktop':
      return [
        'merge into claude_desktop_config.json ' +
          '(macOS: ~/Library/Application Support/Claude/, Windows: %APPDATA%\\Claude\\)',
        `timeouts: a call gives up after about 60 s, so the entry passes --follow-seconds ${DESKTOP_FOLLOW_S}; ` +
          follow,
      ];
    case 'gemini':
      return [
        'merge into ~/.gemini/settings.json (or .gemini/settings.json in the project)',
        `timeouts: the entry's "timeout" is ${t * 1000} (ms); ${follow}`,
      ];
    case 'codex':
      return [
        'append to ~/.codex/config.toml (or .codex/config.toml in a trusted project)',
        `timeouts: the entry's tool_timeout_sec is ${t}; ${follow}`,
      ];
  }
}
