// The run line of a provision, built by the run-command module of build/upload/ (CONTRACT §5):
// one line that checks the installed script's sha256, runs it with ARGS, merges stderr and
// ends with LINUS_EXIT:<code>.
import { readFileSync } from 'node:fs';
import * as upload from '../upload/index.js';

export interface RunLineOptions {
  remotePath?: string;
  /** Path of the bundle whose sha256 the line checks. */
  bundle: string;
}

type MakeRunCommand = (script: Buffer, args: string[], opts: { remotePath?: string }) => string;

export function provisionRunLine(options: string[], o: RunLineOptions): string {
  // Until the run-command module lands its export is looked up at run time.
  const make = (upload as Record<string, unknown>).makeRunCommand as MakeRunCommand | undefined;
  if (typeof make !== 'function') throw new Error('the run-command module (build/upload) is not implemented yet');
  return make(readFileSync(o.bundle), ['provision', ...options], { remotePath: o.remotePath });
}
