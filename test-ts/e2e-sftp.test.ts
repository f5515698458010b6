// The upload way 2a of docs/AGENT-GUIDE.md with real parts: the profile `linus mcp-config`
// writes (defaults.transferRoot), the real ssh-mcp 2 server, the real MCP client calling
// sftp-upload-file with the arguments mcp-config printed, then the run line of
// `linus run-command`, which checks the sha256 and runs the uploaded script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { REPO, runCli } from './helpers/cli.js';
import { SSH_MCP_ENTRY } from './helpers/mcp.js';
import { startSshd, sshdUnavailable, type Sshd } from './helpers/sshd.js';

const BUNDLE = join(REPO, 'dist', 'linus-provision-proxmox.sh');

let T = '';
let sshd: Sshd | undefined;
let client: Client | undefined;
let skipReason = sshdUnavailable();
let call: { localPath: string; remotePath: string; overwrite: boolean } | undefined;
let includeTools: string[] = [];
let prompts = 0;

interface Result { text: string; isError: boolean }
async function tool(name: string, args: Record<string, unknown>): Promise<Result> {
  const r = await (client as Client).callTool({ name, arguments: args }, undefined, { timeout: 120_000 });
  const content = (r.content ?? []) as Array<{ text?: string }>;
  return { text: content.map((c) => c.text ?? '').join('\n'), isError: r.isError === true };
}

beforeAll(async () => {
  T = mkdtempSync(join(tmpdir(), 'linus-e2e-sftp-'));
  if (skipReason !== undefined) return;
  try {
    sshd = await startSshd(join(T, 'sshd'), { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: join(T, 'host-home'), LANG: 'C.UTF-8' });
  } catch (err) {
    skipReason = `sshd cannot start: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  mkdirSync(join(T, 'host-home'));
  mkdirSync(join(T, 'remote'));
  // A transfer root of the test's own holding this build (by default it is dist/ itself).
  const root = join(T, 'transfer');
  mkdirSync(root, { mode: 0o755 });
  copyFileSync(BUNDLE, join(root, 'linus-provision-proxmox.sh'));
  const home = join(T, 'client-home');
  const r = runCli([
    'mcp-config', '--client', 'gemini', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user,
    '--key', sshd.clientKey, '--profile-dir', join(T, 'prof'), '--transfer-root', root, '--write-profile',
  ], { env: { ...process.env, HOME: home } });
  expect(r.code, r.stderr).toBe(0);
  const entry = (JSON.parse(r.stdout) as { mcpServers: Record<string, { args: string[]; includeTools: string[] }> }).mcpServers['linus-pve'];
  includeTools = entry.includeTools;
  call = JSON.parse(/sftp-upload-file: (\{.*\})\n/.exec(r.stderr)?.[1] ?? 'null') as typeof call;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [SSH_MCP_ENTRY, ...entry.args.slice(3)],
    env: { ...getDefaultEnvironment(), HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
    stderr: 'pipe',
  });
  client = new Client({ name: 'linus-e2e-sftp', version: '0' }, { capabilities: { elicitation: {} } });
  // ssh-mcp asks to approve an upload (a destructive call): the user says yes.
  client.setRequestHandler(ElicitRequestSchema, async () => {
    prompts++;
    return { action: 'accept', content: { confirm: true } };
  });
  await client.connect(transport);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await sshd?.stop();
  rmSync(T, { recursive: true, force: true });
});

describe('sftp-upload-file with the profile of linus mcp-config, then the run line', () => {
  it('the client lists the tool and the entry keeps it', async (ctx) => {
    if (skipReason !== undefined) return ctx.skip();
    expect(includeTools).toContain('sftp-upload-file');
    const { tools } = await (client as Client).listTools();
    expect(tools.map((t) => t.name)).toContain('sftp-upload-file');
  });
  it('uploads the bundle (twice: overwrite), and the run line checks and runs it', async (ctx) => {
    if (skipReason !== undefined) return ctx.skip();
    expect(call?.localPath).toBe(join(T, 'transfer', 'linus-provision-proxmox.sh'));
    expect(call?.remotePath).toBe('/tmp/linus-provision-proxmox.sh');
    const remote = join(T, 'remote', 'linus-provision-proxmox.sh');
    for (let i = 0; i < 2; i++) {
      const up = await tool('sftp-upload-file', { ...call, remotePath: remote });
      expect(up.isError, up.text).toBe(false);
      expect(up.text).toMatch(new RegExp(`Uploaded ${statSync(BUNDLE).size} bytes`));
    }
    expect(prompts).toBeGreaterThan(0);
    const [line] = runCli(['run-command', '--remote-path', remote, '--', '--version']).stdout.split('\n');
    const run = await tool('run-command', { command: line });
    expect(run.text, run.text).toMatch(/^LINUS_EXIT:0$/m);
    // Another file at that path (an older build): the same line refuses it (126), runs nothing.
    writeFileSync(remote, 'echo ran\n');
    const stale = await tool('run-command', { command: line });
    expect(stale.text).toMatch(/^LINUS_EXIT:126$/m);
    expect(stale.text).not.toMatch(/^ran$/m);
  }, 120_000);
  it('a file outside the transfer root is refused by ssh-mcp', async (ctx) => {
    if (skipReason !== undefined) return ctx.skip();
    const r = await tool('sftp-upload-file', { localPath: BUNDLE, remotePath: join(T, 'remote', 'x.sh'), overwrite: true });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/within defaults\.transferRoot/);
  });
});
