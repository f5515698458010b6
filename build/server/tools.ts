// The five tools of `linus mcp`. Each argument set is checked by its schema (the SDK refuses
// a bad one before the handler runs), provision settings also by the script's own offline
// validators (`check-options`, here on this machine); only then does anything reach the host.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { checkOptions } from '../mcp/option-check.js';
import { provisionDetached } from './follow.js';
import { HEARTBEAT_S } from './limits.js';
import { progressOf, type Extra } from './progress.js';
import type { Host } from './remote.js';
import type { LinusJson } from './protocol.js';
import { provisionText, scriptResult, toolError } from './result.js';
import {
  destroyOutput, destroyShape, listOutput, preflightOutput, provisionOutput, provisionShape, settingsShape,
  statusOutput, statusShape,
} from './schemas.js';
import { scriptFlags, targetArgs } from './script-args.js';

export interface ToolContext {
  host: Host;
  bundle: string;
  osKeys: [string, ...string[]];
  pollSeconds: number;
  /** follow_seconds when the call gives none. */
  followSeconds: number;
  /** Public keys for a provision that names none (the .pub beside --key), or undefined. */
  defaultKeys?: string[];
  log: (line: string) => void;
}

type Args = Record<string, string | number | boolean | string[] | undefined>;

/** The script's offline check of provision FLAGS; a tool error with its message, or undefined. */
function offlineCheck(ctx: ToolContext, flags: string[]): CallToolResult | undefined {
  const c = checkOptions(ctx.bundle, flags);
  if (c.ok) return undefined;
  const rem = c.remediation !== undefined && c.remediation !== 'none' ? ` (${c.remediation})` : '';
  return toolError(`${c.error ?? 'invalid options'}${rem}; nothing ran on the host`);
}

/**
 * Runs one short action (preflight, status, list, destroy, a look at a job) with a heartbeat.
 * A cancelled request stops a read-only action at once; one that changes things (destroy) runs
 * to its end on the host (its result then goes nowhere).
 */
async function runOnce(
  ctx: ToolContext, extra: Extra, args: string[], text: (j: LinusJson) => string, changes = false,
): Promise<CallToolResult> {
  const p = progressOf(extra);
  const stop = p.heartbeat(HEARTBEAT_S, (s) => `${args[0]} running on the host, ${s} s`);
  try {
    const r = await ctx.host.run(args, { signal: changes ? undefined : extra.signal });
    if (!r.ok) return toolError(r.error);
    return scriptResult(r.json, text(r.json));
  } finally {
    stop();
  }
}

export function registerTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool('preflight', {
    title: 'Check the Proxmox host',
    description: 'Checks the host (root, tools, PVE version, node, CPU, storage, bridge, image source) and the given ' +
      'settings, without changing anything. Same settings as provision_vm.',
    inputSchema: settingsShape(ctx.osKeys),
    outputSchema: preflightOutput,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, async (args: Args, extra: Extra) => {
    const flags = scriptFlags(args);
    return offlineCheck(ctx, flags) ?? runOnce(ctx, extra, ['preflight', ...flags], (j) =>
      j.result === 'SUCCESS'
        ? 'preflight passed: the host and the settings are ready for provision_vm'
        : `preflight: ${String(j.result)}`);
  });

  server.registerTool('provision_vm', {
    title: 'Provision a VM',
    description: 'Creates, configures, starts and verifies one VM from a verified vendor cloud image ' +
      '(cloud-init, guest agent, IP, SSH login check). Runs as a job on the host and reports progress (step, ' +
      'seconds); returns the VM id, IP, user and the ssh command. If the call ends first, the job goes on: ' +
      'vm_status with its job id follows it.',
    inputSchema: provisionShape(ctx.osKeys),
    outputSchema: provisionOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  }, async (args: Args, extra: Extra) => {
    const useDefault = args.ssh_keys === undefined && ctx.defaultKeys !== undefined;
    const given = useDefault ? { ...args, ssh_keys: ctx.defaultKeys } : args;
    const flags = scriptFlags(given);
    const bad = offlineCheck(ctx, flags);
    if (bad !== undefined) return bad;
    if (args.dry_run === true) return runOnce(ctx, extra, ['provision', ...flags], provisionText);
    return provisionDetached(flags, {
      host: ctx.host,
      progress: progressOf(extra),
      signal: extra.signal,
      pollSeconds: ctx.pollSeconds,
      followSeconds: typeof args.follow_seconds === 'number' ? args.follow_seconds : ctx.followSeconds,
      log: ctx.log,
    });
  });

  server.registerTool('vm_status', {
    title: 'Status of a VM or a provision job',
    description: 'State, node, name, tags and IP of one VM (by vmid or name, cluster-wide); or, with job, the result ' +
      'of a provision job (RUNNING with its step while it runs).',
    inputSchema: statusShape,
    outputSchema: statusOutput,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, async (args: { vmid?: number; name?: string; job?: string }, extra: Extra) => {
    if (args.job !== undefined) {
      if (args.vmid !== undefined || args.name !== undefined) {
        return toolError('vm_status: give job, or vmid or name, not both');
      }
      return runOnce(ctx, extra, ['wait', args.job, '--timeout', '0'], provisionText);
    }
    let target: string[];
    try {
      target = targetArgs('vm_status', args);
    } catch (err) {
      return toolError(`${(err as Error).message} (or job)`);
    }
    const badName = args.name === undefined ? undefined : offlineCheck(ctx, ['--name', args.name]);
    if (badName !== undefined) return badName;
    return runOnce(ctx, extra, ['status', ...target], (j) =>
      `VM ${String(j.vm_name)} (id ${String(j.vm_id)}) on node ${String(j.vm_node)}: ${String(j.vm_state)}` +
      (typeof j.vm_ip === 'string' && j.vm_ip !== '' ? `, IP ${j.vm_ip}` : ''));
  });

  server.registerTool('list_vms', {
    title: 'List the VMs of this tool',
    description: 'The VMs this tool created (tag linus), cluster-wide: id, name, node, state, tags.',
    inputSchema: {},
    outputSchema: listOutput,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, async (_args: Args, extra: Extra) =>
    runOnce(ctx, extra, ['list'], (j) => `${String(j.count)} VM(s) made by linus-provision`));

  server.registerTool('destroy_vm', {
    title: 'Destroy a VM',
    description: 'Stops and destroys a VM this tool created (tag linus), with its disks, on any node. ' +
      'Refused for a guest without the tag. An absent VM is success. ' +
      'This cannot be undone: confirm with the user first.',
    inputSchema: destroyShape,
    outputSchema: destroyOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  }, async (args: { vmid?: number; name?: string }, extra: Extra) => {
    let target: string[];
    try {
      target = targetArgs('destroy_vm', args);
    } catch (err) {
      return toolError((err as Error).message);
    }
    const badName = args.name === undefined ? undefined : offlineCheck(ctx, ['--name', args.name]);
    if (badName !== undefined) return badName;
    return runOnce(ctx, extra, ['destroy', ...target], (j) =>
      `VM ${String(j.vm_name ?? '')} (id ${String(j.vm_id ?? '?')}): ${String(j.vm_state ?? 'destroyed')}`, true);
  });
}
