#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { existsSync } from 'node:fs';
import { commands } from './commands/index.js';
import { VERSION } from './version.js';
import { findBundle } from './mcp/option-check.js';
import { checkMaxChars } from './mcp/max-chars.js';

function fail(msg: string): never {
  process.stderr.write(`linus: ${msg.split('\n')[0]}\n`);
  process.exit(1);
}

/**
 * A reader that went away (`linus upload | head -3`) ends the command quietly, exit 0, in every
 * command: an EPIPE on stdout or stderr is not an error of ours.
 */
function endQuietlyOnEpipe(): void {
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}

/** The default `--script dist/...` is relative: from another directory, the bundle beside the CLI. */
const RELATIVE_BUNDLE = 'dist/linus-provision-proxmox.sh';

/** Checks shared by every command, before its handler runs. */
function commonChecks(argv: Record<string, unknown>): void {
  // --max-chars: 'none' or a positive whole number, in every command.
  if (argv.maxChars !== undefined) {
    const v = checkMaxChars(argv.maxChars);
    argv.maxChars = argv['max-chars'] = v === undefined ? 'none' : String(v);
  }
  if (argv.script === RELATIVE_BUNDLE && !existsSync(RELATIVE_BUNDLE)) {
    try {
      argv.script = findBundle();
    } catch {
      // keep the relative default: the command names it in its own error
    }
  }
}

async function main(): Promise<void> {
  endQuietlyOnEpipe();
  const cli = yargs(hideBin(process.argv))
    .scriptName('linus')
    .usage('$0 <command> [options]')
    .version(VERSION)
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'name a command (see linus --help)')
    .recommendCommands()
    .middleware(commonChecks, true)
    .fail((msg, err) => {
      fail(msg ?? err?.message ?? 'invalid usage');
    })
    .wrap(Math.min(100, process.stdout.columns ?? 100));
  for (const c of commands) cli.command(c);
  await cli.parseAsync();
}

main().catch((err: unknown) => {
  fail(err instanceof Error ? err.message : String(err));
});
