// npm run structure [-- --check]: measures of the bash sources anyone can rerun.
// Prints a traced provision's file changes, globals shared across files, long lines and long
// functions; with --check exits 1 when a limit is exceeded.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ENTRY } from './compiler/compile.js';
import { cfgWrittenOutside, recordUses, sharedGlobals, type SourceFile } from './structure/globals.js';
import { isBashFile, longFunctions, longLines, type Finding } from './structure/lines.js';
import { analyzeTrace, runTrace } from './structure/trace.js';

const LIMITS = { stepsReturns: 10, sharedGlobals: 20, longLines: 0, longFunctions: 0 };
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const over: string[] = [];

function limit(label: string, value: number, max: number): void {
  const bad = value > max;
  if (bad) over.push(label);
  console.log(`${label}: ${value} (limit ${max})${bad ? ' OVER' : ''}`);
}

function tracked(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && existsSync(resolve(root, f)));
}

function printFindings(list: Finding[]): void {
  for (const f of list) console.log(`  ${f.path}:${f.line} ${f.detail}`);
}

const files = tracked();
const bash: SourceFile[] = files
  .map((path) => ({ path, text: readFileSync(resolve(root, path), 'utf8') }))
  .filter((f) => isBashFile(f.path, f.text.slice(0, f.text.indexOf('\n') >>> 0)));

console.log(`== traced provision (${DEFAULT_ENTRY} provision --name web1 on the simulator)`);
const run = runTrace(root, DEFAULT_ENTRY);
if (run.status !== 0) console.log(`  note: the run exited ${run.status}`);
const t = analyzeTrace(run.trace, root);
console.log(`all files: ${t.all.sequence.length} entries, ${t.all.changes} changes, ${t.all.returns} returns`);
console.log(`steps/ only: ${t.steps.sequence.length} entries, ${t.steps.changes} changes`);
limit('steps/ returns to a visited file', t.steps.returns, LIMITS.stepsReturns);
console.log('top pairs (steps/):');
for (const [p, n] of t.pairs.slice(0, 10)) console.log(`  ${n} ${p}`);

console.log('\n== upper-case globals written in one bundle file and read in another');
const bundle = bash.filter((f) => /^(lib-sh|steps|actions)\/.*\.sh$/.test(f.path));
const shared = sharedGlobals(bundle);
const nonCfg = shared.filter((g) => !g.name.startsWith('CFG_'));
for (const g of nonCfg) console.log(`  ${g.name}: written ${g.writers.join(' ')}; read ${g.readers.join(' ')}`);
console.log(`CFG_* shared (not limited): ${shared.length - nonCfg.length}`);
limit('shared non-CFG globals', nonCfg.length, LIMITS.sharedGlobals);
console.log('records (lib-sh/state.sh; each counts as one name above):');
for (const r of recordUses(bundle, ['HOST', 'IMG', 'TPL', 'CI', 'VM'])) {
  console.log(`  ${r.name}[${r.keys.join(' ')}]: written ${r.writers.join(' ')}; read ${r.readers.join(' ')}`);
}
const cfgOut = cfgWrittenOutside(bundle, ['steps/options.sh', 'lib-sh/options.sh', 'actions/options.sh']);
console.log(`CFG_* written outside the options file: ${cfgOut.length}`);
for (const g of cfgOut) console.log(`  ${g.name}: ${g.writers.join(' ')}`);

console.log('\n== bash lines over 120 columns');
const ll = bash.flatMap((f) => longLines(f.path, f.text));
printFindings(ll);
limit('long lines', ll.length, LIMITS.longLines);

console.log('\n== functions over 40 lines (usage-text heredocs exempt)');
const lf = bash.flatMap((f) => longFunctions(f.path, f.text));
printFindings(lf);
limit('long functions', lf.length, LIMITS.longFunctions);

if (check && over.length > 0) {
  console.log(`\nstructure: over the limit: ${over.join(', ')}`);
  process.exit(1);
}
