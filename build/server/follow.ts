// provision_vm's long run: the script starts the provision detached (LINUS_JOB), then short
// `wait JOB --timeout S` calls follow it, each reported as a progress notification (the job's
// LINUS_STEP and the seconds so far). A cancelled request stops following; the job goes on on
// the host and vm_status with its job id reports it.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Host } from './remote.js';
import type { Progress } from './progress.js';
import { provisionText, scriptResult, toolError } from './result.js';
import type { LinusJson } from './protocol.js';

export interface FollowOptions {
  host: Host;
  progress: Progress;
  signal: AbortSignal;
  /** Seconds of each wait call. */
  pollSeconds: number;
  /** Seconds to follow before answering RUNNING. */
  followSeconds: number;
  log: (line: string) => void;
}

/** Starts `provision FLAGS --detach` and follows the job. */
export async function provisionDetached(flags: string[], o: FollowOptions): Promise<CallToolResult> {
  // The start is not tied to the request's signal: once sent, the job starts (or fails) whole.
  const start = await o.host.run(['provision', ...flags, '--detach']);
  if (!start.ok) return toolError(start.error);
  if (start.json.result !== 'STARTED') return scriptResult(start.json, provisionText(start.json));
  const job = String(start.json.job);
  o.log(`provision job ${job} started`);
  await o.progress.send(`job ${job} started; follow it with vm_status job=${job} should this call end`);
  let last: LinusJson = { result: 'RUNNING', job, step: 'start', elapsed_seconds: 0 };
  const deadline = Date.now() + o.followSeconds * 1000;
  for (;;) {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) break;
    const w = await o.host.run(['wait', job, '--timeout', String(Math.min(o.pollSeconds, left))], { signal: o.signal });
    if (o.signal.aborted) {
      o.log(`request cancelled: stopped following job ${job} (it keeps running on the host)`);
      return toolError(`cancelled; job ${job} keeps running on the host: call vm_status with job "${job}"`);
    }
    if (!w.ok) {
      // A broken connection is not the job's end: say how to follow it.
      return toolError(`${w.error}; job ${job} keeps running on the host: call vm_status with job "${job}"`);
    }
    if (w.json.result !== 'RUNNING') return scriptResult(w.json, provisionText(w.json));
    last = w.json;
    await o.progress.send(`job ${job}: step ${String(w.json.step ?? '?')}, ${String(w.json.elapsed_seconds ?? '?')} s`);
  }
  return scriptResult(last, provisionText(last));
}
