// `linus build`: compile actions/main.sh and its sources into dist/ (docs/COMPILER.md).
import type { Argv, CommandModule } from 'yargs';
import { relative } from 'node:path';
import { buildBundle, DEFAULT_ENTRY } from '../compiler/index.js';

interface Args {
  entry: string;
  out: string;
  root: string;
}

export const buildCommand: CommandModule<object, Args> = {
  command: 'build',
  describe: 'bundle the bash sources into dist/linus-provision-proxmox.sh (+ .sha256, manifest.json, upload.txt)',
  builder: (y: Argv) =>
    y
      .option('entry', { type: 'string', default: DEFAULT_ENTRY, describe: 'entry script, relative to --root' })
      .option('out', { type: 'string', default: 'dist', describe: 'output directory, relative to --root' })
      .option('root', { type: 'string', default: process.cwd(), defaultDescription: 'the current directory', describe: 'repository root' })
      .strictOptions() as unknown as Argv<Args>,
  handler: (args) => {
    const r = buildBundle({ root: args.root, entry: args.entry, out: args.out });
    const shown = relative(process.cwd(), r.bundlePath) || r.bundlePath;
    process.stderr.write(`linus: built ${shown} (${r.bytes} bytes, ${r.sources.length} sources, sha256 ${r.sha256})\n`);
  },
};
