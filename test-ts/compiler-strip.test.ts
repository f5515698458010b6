// The bundle drops comments and indentation line for line: data (heredocs, multi-line strings,
// `#` inside words) stays byte for byte, the program does the same, and line numbers still map.
import { describe, expect, it } from 'vitest';
import sh from 'mvdan-sh';
import { compile, mapLine } from '../build/compiler/index.js';
import { REPO, project, runBash, tempDir } from './compiler-helpers.js';

const TAB = '\t';
// Every line here is a trap for a naive "strip lines starting with #" or "trim every line".
const TRICKY = [
  '#!/usr/bin/env bash',
  'set -Eeu',
  '# a comment line',
  '  # an indented comment line',
  'fx_data() {   # trailing comment',
  '  local x="first',
  '    # not a comment: inside a string   ',
  '  last" y=${HOME#/}#z',
  "  printf '%s|\\n' \"$x\" '# quoted' a\\ #b",
  '  cat <<TXT',
  '  # heredoc line, indented',
  '    two   ',
  'TXT',
  '  cat <<-TABS',
  `${TAB}${TAB}# tab heredoc`,
  `${TAB}TABS`,
  '  echo one\\',
  '  two',
  '  echo cont \\',
  '    inued ; echo "${#x}" # count',
  '}',
  'fx_fail() {',
  '  # the line below fails: its number must map to this file',
  '  false',
  '}',
  'fx_main() { fx_data; if [ "${1:-}" = fail ]; then trap \'echo "ERR at $LINENO"\' ERR; fx_fail; fi; }',
  '',
  'fx_main "$@"',
  '',
].join('\n');

describe('comments and indentation', () => {
  const r = compile({ root: project({ 'actions/main.sh': TRICKY }) });
  const bare = r.bundle.split('\n');

  it('keeps the line count and removes every comment and code indentation', () => {
    expect(bare).toHaveLength(r.annotated.split('\n').length);
    expect(r.bundle).not.toMatch(/a comment line|trailing comment|# count|the line below/);
    expect(bare).toContain('fx_data() {');
    expect(bare).toContain('echo cont \\');
    expect(bare).toContain('    inued ; echo "${#x}"'); // after a backslash: left as it is
  });

  it('leaves data alone: strings, heredocs, escaped spaces, continued words', () => {
    expect(r.bundle).toContain('local x="first\n    # not a comment: inside a string   \n  last" y=${HOME#/}#z\n');
    expect(r.bundle).toContain("printf '%s|\\n' \"$x\" '# quoted' a\\ #b\n");
    expect(r.bundle).toContain('cat <<TXT\n  # heredoc line, indented\n    two   \nTXT\n');
    expect(r.bundle).toContain('echo one\\\n  two\n');
  });

  it('the bundle prints exactly what the annotated text prints', () => {
    const a = runBash(r.annotated, tempDir(), [], { HOME: '/root' });
    const b = runBash(r.bundle, tempDir(), [], { HOME: '/root' });
    expect(a.status).toBe(0);
    expect(b).toEqual(a);
    expect(b.stdout).toContain('# quoted|');
    expect(b.stdout).toContain('a #b|');
    expect(r.bundle).toContain('y=${HOME#/}#z');
    expect(b.stdout).toContain('# tab heredoc\n');
    expect(b.stdout).toContain('one two\n');
  });

  it('an error line of the bundle maps to its source line', () => {
    const b = runBash(r.bundle, tempDir(), ['fail'], { HOME: '/root' });
    const m = /ERR at (\d+)/.exec(b.stdout);
    expect(m, b.stdout).not.toBeNull();
    const loc = mapLine(r.lineMap, Number(m?.[1]));
    expect(loc).toEqual({ file: 'actions/main.sh', line: TRICKY.split('\n').indexOf('  false') + 1 });
  });
});

describe('the real bundle', () => {
  it('parses to the same program as its annotated text (mvdan-sh printer)', () => {
    const r = compile({ root: REPO });
    const print = (text: string): string => sh.syntax.NewPrinter().Print(sh.syntax.NewParser().Parse(text, 'b'));
    expect(r.bundle.split('\n')).toHaveLength(r.annotated.split('\n').length);
    expect(print(r.bundle) === print(r.annotated)).toBe(true);
    expect(r.bundle.length).toBeLessThan(r.annotated.length * 0.8);
  }, 120_000);
});
