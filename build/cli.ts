#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { VERSION } from './version.js';

/** A user error: printed as one line, exit 1, never a stack trace. */
export class UsageError extends Error {}

function fail(msg: string): never {
  process.stderr.write(`linus: ${msg.split('\n')[0]}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const cli = yargs(hideBin(process.argv))
    .scriptName('linus')
    .usage('$0 <command> [options]')
    .version(VERSION)
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'name a command (see linus --help)')
    .recommendCommands()
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
