// The run line of a provision, built by the run-command module of build/upload/ (docs/UPLOAD.md):
// one line that checks the installed script's sha256, runs it with ARGS, merges stderr and
// ends with LINUS_EXIT:<code>.
import { readFileSync } from 'node:fs';
import { makeRunCommand } from '../upload/index.js';
import { sha256Hex } from '../upload/encode.js';

interface RunLineOptions {
  remotePath?: string;
  /** Path of the bundle whose sha256 the line checks on the host. */
  bundle: string;
  sudo?: boolean;
  /** The MCP server's command limit: a longer line is refused here, not by the server. */
  maxChars?: number;
}

export function provisionRunLine(options: string[], o: RunLineOptions): string {
  const line = makeRunCommand(['provision', ...options], {
    remotePath: o.remotePath,
    sha256: sha256Hex(readFileSync(o.bundle)),
    sudo: o.sudo === true,
  });
  if (o.maxChars !== undefined && line.length > o.maxChars) {
    throw new Error(`the command is ${line.length} characters, over --max-chars ${o.maxChars}: shorten the options`);
  }
  return line;
}
