// MCP progress notifications for one request (only when the caller sent a progressToken):
// `progress` is the seconds since the request began (it only grows), `message` says what runs.
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface Progress {
  /** Seconds since the request began. */
  elapsed: () => number;
  send: (message: string) => Promise<void>;
  /** Sends `message(elapsed)` every `seconds` until the returned function is called. */
  heartbeat: (seconds: number, message: (elapsed: number) => string) => () => void;
}

export function progressOf(extra: Extra): Progress {
  const token = extra._meta?.progressToken;
  const t0 = Date.now();
  let last = 0;
  const elapsed = (): number => Math.round((Date.now() - t0) / 100) / 10;
  const send = async (message: string): Promise<void> => {
    if (token === undefined || extra.signal.aborted) return;
    const progress = Math.max(elapsed(), last + 0.1);
    last = progress;
    try {
      const params = { progressToken: token, progress, message };
      await extra.sendNotification({ method: 'notifications/progress', params });
    } catch {
      // the client went away: the result (if any) still goes out
    }
  };
  const heartbeat = (seconds: number, message: (e: number) => string): (() => void) => {
    if (token === undefined) return () => undefined;
    const t = setInterval(() => {
      void send(message(Math.round(elapsed())));
    }, seconds * 1000);
    return () => clearInterval(t);
  };
  return { elapsed, send, heartbeat };
}
