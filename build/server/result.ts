// Tool results: structuredContent is the script's LINUS_JSON object as it printed it, the text
// is one short line for people; a FAILURE is a tool error (isError) with the script's message.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { failureText, type LinusJson } from './protocol.js';

/** A result of the script. */
export function scriptResult(json: LinusJson, text: string): CallToolResult {
  const failed = json.result === 'FAILURE';
  return {
    content: [{ type: 'text', text: failed ? failureText(json) : text }],
    structuredContent: json,
    isError: failed ? true : undefined,
  };
}

/** An error before or around the script (bad input, SSH): nothing structured to give. */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

const str = (v: unknown): string => (v === undefined || v === null ? '?' : String(v));

/** One line about a provision's (or wait's) result. */
export function provisionText(j: LinusJson): string {
  switch (j.result) {
    case 'SUCCESS': {
      const login = typeof j.ssh_command === 'string' ? j.ssh_command : `ssh ${str(j.vm_user)}@${str(j.vm_ip)}`;
      const reused = j.reused === 1 ? ' (an existing VM, reused)' : '';
      const warning = typeof j.warning === 'string' ? `; warning: ${j.warning}` : '';
      return `VM ${str(j.vm_name)} (id ${str(j.vm_id)}) is up on node ${str(j.vm_node)}${reused}: ${str(j.vm_os)}, ` +
        `${str(j.vm_cpu)} CPU, ${str(j.vm_ram)} MiB, ${str(j.vm_disk)} GiB; log in with: ${login}${warning}`;
    }
    case 'DRY_RUN':
      return 'dry run: the settings are valid; nothing was changed (the plan is in the structured result)';
    case 'RUNNING':
    case 'STARTED':
      return `job ${str(j.job)} is still running (step ${str(j.step ?? 'start')}, ${str(j.elapsed_seconds ?? 0)} s); ` +
        `it goes on on the host: call vm_status with job "${str(j.job)}" to follow it`;
    default:
      return `result ${j.result}`;
  }
}
