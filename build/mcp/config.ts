// MCP client configurations for the ssh-mcp server (`linus mcp-config`, docs/AGENT-GUIDE.md).
// Pure functions: options in, texts out. Writing the v2 profile file is in ./profile-file.ts.
import { stringify as tomlStringify } from 'smol-toml';

export const CLIENTS = ['claude-code', 'claude-desktop', 'gemini', 'codex'] as const;
export type ClientKind = (typeof CLIENTS)[number];
export const GROUPS = ['prod', 'staging', 'dev'] as const;
export type HostGroup = (typeof GROUPS)[number];

/** The environment variable ssh-mcp 2 reads a password from (never a command-line flag). */
const PASSWORD_ENV = 'SSH_MCP_PASSWORD';
/** How much longer the client waits for a tool call than the server lets a command run. */
const CLIENT_TIMEOUT_MARGIN_MS = 30_000;
/** How much shorter `wait JOB --timeout S` is than the shortest timeout of the call. */
const WAIT_MARGIN_S = 30;
/** `wait --timeout` when nothing is known of the client (under the usual 60 s tool timeouts). */
export const DEFAULT_WAIT_SECONDS = 50;
/**
 * Claude Desktop has no tool-timeout setting; its calls are taken to give up after 60 s (the
 * MCP SDK's default request timeout).
 */
const CLAUDE_DESKTOP_TIMEOUT_MS = 60_000;
/** ssh-mcp 2's tools that stream a local file; they need defaults.transferRoot. */
export const SFTP_UPLOAD_TOOL = 'sftp-upload-file';

export interface McpConfigOptions {
  client: ClientKind;
  host: string;
  user: string;
  port: number;
  /** Absolute path of the private key; undefined with passwordEnv. */
  key?: string;
  /** Authenticate with the password in $SSH_MCP_PASSWORD of the client (ssh-mcp 2 only). */
  passwordEnv: boolean;
  /** The server's per-command timeout. */
  timeoutMs: number;
  /** Longest command the server accepts; 'none' = no limit of the server. */
  maxChars: number | 'none';
  sshMcp: 1 | 2;
  /** The server's name in the client (tools show up under it). */
  serverName: string;
  /** ssh-mcp 2: absolute path of the profile file (config.toml) the entry points at. */
  profilePath: string;
  /** ssh-mcp 2: policy tier of the host (privileged = sudo needs staging or dev). */
  group: HostGroup;
  /**
   * ssh-mcp 2: defaults.transferRoot, the LOCAL directory (on the machine that runs ssh-mcp)
   * that sftp-upload-file may read from: the directory of the bundle. Undefined: no file tools.
   */
  transferRoot?: string;
}

/** The exec tool of each ssh-mcp major version. */
function execToolName(sshMcp: 1 | 2): string {
  return sshMcp === 1 ? 'exec' : 'run-command';
}

/** Milliseconds the client should wait for one tool call. */
function clientTimeoutMs(o: McpConfigOptions): number {
  return o.timeoutMs + CLIENT_TIMEOUT_MARGIN_MS;
}

/** Milliseconds a tool call really gets: the shorter of the server's and the client's timeout. */
function callBudgetMs(o: McpConfigOptions): number {
  const client = o.client === 'claude-desktop' ? CLAUDE_DESKTOP_TIMEOUT_MS : clientTimeoutMs(o);
  return Math.min(o.timeoutMs, client);
}

/**
 * Seconds for `wait JOB --timeout S`: 30 s below the call's budget (the SSH round trip and the
 * script's start fit in that), half the budget when it is under 40 s (0 = look once).
 */
export function waitSeconds(o: McpConfigOptions): number {
  const budget = Math.floor(callBudgetMs(o) / 1000);
  return budget >= 40 ? budget - WAIT_MARGIN_S : Math.floor(budget / 2);
}

/** The tools a client entry that lists tools must allow: the exec tool, and the file upload on ssh-mcp 2. */
function allowedTools(o: McpConfigOptions): string[] {
  return o.sshMcp === 1 ? [execToolName(1)] : [execToolName(2), SFTP_UPLOAD_TOOL];
}

/**
 * Arguments after `npx`: the ssh-mcp major is pinned because the flags differ. ssh-mcp 1
 * only understands `--key=value` (a value after a space is ignored); ssh-mcp 2 reads the
 * profile file given with `--config=`.
 */
export function serverArgs(o: McpConfigOptions): string[] {
  if (o.sshMcp === 1) {
    if (o.key === undefined) throw new Error('ssh-mcp 1 needs --key');
    return [
      '-y', 'ssh-mcp@1', '--',
      `--host=${o.host}`, `--port=${o.port}`, `--user=${o.user}`, `--key=${o.key}`,
      `--timeout=${o.timeoutMs}`, `--maxChars=${o.maxChars === 'none' ? 'none' : o.maxChars}`,
    ];
  }
  return ['-y', 'ssh-mcp@2', '--', `--config=${o.profilePath}`];
}

/** The ssh-mcp 2 profile file (TOML); it must be mode 600 in a directory of mode 700. */
export function profileToml(o: McpConfigOptions): string {
  const profile: Record<string, string | number> = {
    name: o.serverName,
    host: o.host,
    port: o.port,
    user: o.user,
    auth: o.passwordEnv ? 'password' : 'key',
  };
  if (!o.passwordEnv && o.key !== undefined) profile.keyRef = o.key;
  profile.role = 'admin';
  profile.group = o.group;
  const defaults: Record<string, string | number> = {
    defaultProfile: o.serverName,
    commandTimeoutMs: o.timeoutMs,
    // 0 = no limit (ssh-mcp maps it to its --maxChars=none).
    commandMaxChars: o.maxChars === 'none' ? 0 : o.maxChars,
  };
  if (o.transferRoot !== undefined) defaults.transferRoot = o.transferRoot;
  const doc = { defaults, profiles: [profile] };
  return (
    '# ssh-mcp 2 profile for linus-provision, written by `linus mcp-config`.\n' +
    '# ssh-mcp refuses it unless this file is mode 600 and its directory mode 700.\n' +
    (o.passwordEnv ? `# The password comes from the environment variable ${PASSWORD_ENV}.\n` : '') +
    tomlStringify(doc) + '\n'
  );
}

/** Environment of the server process, as the client's config writes it (password only). */
function serverEnv(o: McpConfigOptions): Record<string, string> {
  if (!o.passwordEnv) return {};
  // Each client expands variables from its own environment in its own syntax.
  if (o.client === 'claude-code') return { [PASSWORD_ENV]: `\${${PASSWORD_ENV}}` };
  if (o.client === 'gemini') return { [PASSWORD_ENV]: `$${PASSWORD_ENV}` };
  throw new Error(`${o.client} cannot pass a password from the environment`);
}

/** The client's configuration text, ready to save (JSON, or TOML for codex). */
export function clientConfig(o: McpConfigOptions): string {
  const args = serverArgs(o);
  switch (o.client) {
    case 'claude-code':
      return json({ mcpServers: { [o.serverName]: { type: 'stdio', command: 'npx', args, env: serverEnv(o) } } });
    case 'claude-desktop':
      if (o.passwordEnv) throw new Error('claude-desktop cannot pass a password from the environment');
      return json({ mcpServers: { [o.serverName]: { command: 'npx', args, env: {} } } });
    case 'gemini':
      return json({
        mcpServers: {
          [o.serverName]: {
            command: 'npx', args, env: serverEnv(o),
            timeout: clientTimeoutMs(o), trust: false, includeTools: allowedTools(o),
          },
        },
      });
    case 'codex': {
      const entry: Record<string, unknown> = {
        command: 'npx', args,
        startup_timeout_sec: 60,
        tool_timeout_sec: Math.ceil(clientTimeoutMs(o) / 1000),
      };
      if (o.passwordEnv) entry.env_vars = [PASSWORD_ENV];
      return tomlStringify({ mcp_servers: { [o.serverName]: entry } }) + '\n';
    }
  }
}

function json(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

/** The client's tool-call timeout setting, in its own words (one line). */
function timeoutNote(o: McpConfigOptions): string {
  const t = clientTimeoutMs(o);
  const server = `ssh-mcp stops a command after ${o.timeoutMs / 1000} s`;
  const wait = `use wait JOB --timeout ${waitSeconds(o)}`;
  switch (o.client) {
    case 'claude-code':
      return `timeouts: Claude Code has no per-server timeout: set MCP_TOOL_TIMEOUT=${t} (ms) in the "env" of ~/.claude/settings.json; ${server}; ${wait}`;
    case 'claude-desktop':
      return `timeouts: Claude Desktop has no tool-timeout setting (a call gives up after about ${CLAUDE_DESKTOP_TIMEOUT_MS / 1000} s): ` +
        `provisions run detached (--detach, the default of provision-cmd); ${server}; ${wait}`;
    case 'gemini':
      return `timeouts: the entry's "timeout" is ${t} (ms); ${server}; ${wait}`;
    case 'codex':
      return `timeouts: the entry's tool_timeout_sec is ${Math.ceil(t / 1000)}; ${server}; ${wait}`;
  }
}

/** Where each client keeps the file, and what else to set (printed on stderr). */
export function clientNotes(o: McpConfigOptions): string[] {
  const notes: string[] = [];
  switch (o.client) {
    case 'claude-code':
      notes.push('save as .mcp.json at the project root (or merge its "mcpServers" entry)');
      break;
    case 'claude-desktop':
      notes.push('merge into claude_desktop_config.json (macOS: ~/Library/Application Support/Claude/, Windows: %APPDATA%\\Claude\\)');
      break;
    case 'gemini':
      notes.push('merge into ~/.gemini/settings.json (or .gemini/settings.json in the project)');
      break;
    case 'codex':
      notes.push('append to ~/.codex/config.toml (or .codex/config.toml in a trusted project)');
      break;
  }
  notes.push(timeoutNote(o));
  if (o.passwordEnv) notes.push(`export ${PASSWORD_ENV} in the environment the client starts from`);
  return notes;
}
