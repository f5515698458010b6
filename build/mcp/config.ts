// MCP client configurations for the ssh-mcp server (CONTRACT §5 `linus mcp-config`).
// Pure functions: options in, texts out. Writing the v2 profile file is in ./profile-file.ts.
import { stringify as tomlStringify } from 'smol-toml';

export const CLIENTS = ['claude-code', 'claude-desktop', 'gemini', 'codex'] as const;
export type ClientKind = (typeof CLIENTS)[number];
export const GROUPS = ['prod', 'staging', 'dev'] as const;
export type HostGroup = (typeof GROUPS)[number];

/** The environment variable ssh-mcp 2 reads a password from (never a command-line flag). */
export const PASSWORD_ENV = 'SSH_MCP_PASSWORD';
/** How much longer the client waits for a tool call than the server lets a command run. */
export const CLIENT_TIMEOUT_MARGIN_MS = 30_000;

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
}

/** The exec tool of each ssh-mcp major version. */
export function execToolName(sshMcp: 1 | 2): string {
  return sshMcp === 1 ? 'exec' : 'run-command';
}

/** Milliseconds the client should wait for one tool call. */
export function clientTimeoutMs(o: McpConfigOptions): number {
  return o.timeoutMs + CLIENT_TIMEOUT_MARGIN_MS;
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
  const doc = {
    defaults: {
      defaultProfile: o.serverName,
      commandTimeoutMs: o.timeoutMs,
      // 0 = no limit (ssh-mcp maps it to its --maxChars=none).
      commandMaxChars: o.maxChars === 'none' ? 0 : o.maxChars,
    },
    profiles: [profile],
  };
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
            timeout: clientTimeoutMs(o), trust: false, includeTools: [execToolName(o.sshMcp)],
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

/** Where each client keeps the file, and what else to set (printed on stderr). */
export function clientNotes(o: McpConfigOptions): string[] {
  const t = clientTimeoutMs(o);
  const notes: string[] = [];
  switch (o.client) {
    case 'claude-code':
      notes.push('save as .mcp.json at the project root (or merge its "mcpServers" entry)');
      notes.push(`Claude Code has no per-server timeout: set MCP_TOOL_TIMEOUT=${t} in the "env" of ~/.claude/settings.json`);
      break;
    case 'claude-desktop':
      notes.push('merge into claude_desktop_config.json (macOS: ~/Library/Application Support/Claude/, Windows: %APPDATA%\\Claude\\)');
      notes.push('Claude Desktop has no tool-timeout setting: provision with --detach, then wait JOB');
      break;
    case 'gemini':
      notes.push('merge into ~/.gemini/settings.json (or .gemini/settings.json in the project)');
      break;
    case 'codex':
      notes.push('append to ~/.codex/config.toml (or .codex/config.toml in a trusted project)');
      break;
  }
  if (o.passwordEnv) notes.push(`export ${PASSWORD_ENV} in the environment the client starts from`);
  return notes;
}
