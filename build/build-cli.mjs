// Bundles build/cli.ts into dist/cli.js with esbuild (ESM, node 20). The file is written to a
// temp name and renamed into place, so a running `node dist/cli.js` never reads half a file.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
const out = await build({
  entryPoints: ['build/cli.ts'],
  outfile: 'dist/cli.js',
  write: false,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // mvdan-sh and yargs' CommonJS parts call require(): give ESM output a real one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
for (const f of out.outputFiles) {
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents, { mode: 0o755 });
  chmodSync(tmp, 0o755);
  renameSync(tmp, f.path);
}
