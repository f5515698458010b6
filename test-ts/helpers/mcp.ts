// The real ssh-mcp server from node_modules, driven by the real MCP client over stdio, the
// way Claude Code / Gemini / Codex start it from the entry `linus mcp-config` prints.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { join } from 'node:path';
import { REPO } from './cli.js';

export const SSH_MCP_ENTRY = join(REPO, 'node_modules', 'ssh-mcp', 'build', 'index.js');

export interface ToolResult {
  text: string;
  isError: boolean;
}

export interface McpSession {
  tools: string[];
  /** Calls the exec tool with one command. */
  run: (command: string, timeoutMs?: number) => Promise<ToolResult>;
  /** Calls any tool of the server with these arguments. */
  call: (name: string, args: Record<string, unknown>, timeoutMs?: number) => Promise<ToolResult>;
  /** How many approval prompts (MCP elicitations) the server sent. */
  elicitations: () => number;
  stderr: () => string;
  close: () => Promise<void>;
}

/**
 * The `npx -y ssh-mcp@N -- ARGS` of a client entry, run from node_modules instead:
 * `serverArgs` is everything after `--`.
 */
export async function startSshMcp(serverArgs: string[], home: string, tool = 'run-command'): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [SSH_MCP_ENTRY, ...serverArgs],
    // HOME in a temp dir: no config of the user running the tests is picked up.
    env: { ...getDefaultEnvironment(), HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
    stderr: 'pipe',
  });
  let log = '';
  transport.stderr?.on('data', (d: Buffer) => { log += d.toString(); });
  const client = new Client({ name: 'linus-e2e', version: '0' }, { capabilities: { elicitation: {} } });
  let prompts = 0;
  client.setRequestHandler(ElicitRequestSchema, async () => {
    prompts++;
    return { action: 'accept', content: { confirm: true } };
  });
  await client.connect(transport);
  const call = async (name: string, args: Record<string, unknown>, timeoutMs = 180_000): Promise<ToolResult> => {
    const r = await client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs });
    const content = (r.content ?? []) as Array<{ type: string; text?: string }>;
    return { text: content.map((c) => c.text ?? '').join('\n'), isError: r.isError === true };
  };
  const { tools } = await client.listTools();
  return {
    tools: tools.map((t) => t.name),
    run: (command, timeoutMs) => call(tool, { command }, timeoutMs),
    call,
    elicitations: () => prompts,
    stderr: () => log,
    close: () => client.close(),
  };
}

/** The LINUS_KEY:value lines of a tool result, in order (any other text ignored). */
export function linusLines(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const m = /^LINUS_([A-Z0-9_]+):(.*)$/.exec(line.replace(/\r$/, ''));
    if (m) out.push([m[1], m[2]]);
  }
  return out;
}

/** The LINUS_* lines as a map (the last value of a repeated key wins). */
export function linusMap(text: string): Record<string, string> {
  return Object.fromEntries(linusLines(text));
}
