// The bash compiler: supported source forms, dedupe, what it leaves alone, what it rejects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE, CompileError, compile, mapLine } from '../build/compiler/index.js';
import { dirAssignmentRel } from '../build/compiler/forms.js';
import { ENTRY_TAIL, FIXTURES, project, runBash, tempDir } from './compiler-helpers.js';

const FORMS = join(FIXTURES, 'forms');

function compileError(root: string): CompileError {
  try {
    compile({ root });
  } catch (err) {
    if (err instanceof CompileError) return err;
    throw err;
  }
  throw new Error('compile succeeded, expected an error');
}

describe('supported source forms', () => {
  const r = compile({ root: FORMS });
  // The annotated text keeps the comments, header and markers; the bundle has the same lines bare.
  const lines = r.annotated.split('\n');
  const bare = r.bundle.split('\n');

  it('the bundle is the annotated text line for line, without comments or indentation', () => {
    expect(bare).toHaveLength(lines.length);
    expect(bare[0]).toBe('#!/usr/bin/env bash');
    expect(bare.slice(1).filter((l) => /^\s*#/.test(l))).toEqual([]);
    expect(bare.filter((l) => /^[ \t]/.test(l))).toEqual([]); // the fixtures hold no indented data
    bare.forEach((l, i) => expect(lines[i].trim().startsWith(l.trim()), `line ${i + 1}`).toBe(true));
    expect(bare.slice(-4)).toEqual(lines.slice(-4));
  });

  it('inlines every form, each file once, in source order', () => {
    expect(r.sources.map((s) => s.path)).toEqual([
      'actions/main.sh', 'lib/a.sh', 'lib/common.sh', 'lib/b.sh', 'actions/helper.sh', 'lib/c.sh', 'lib/sub/e.sh', 'lib/d.sh',
    ]);
    expect(r.bundle.match(/^fx_common\(\)/gm)).toHaveLength(1);
    expect(lines.filter((l) => l === '# source lib/common.sh: already inlined above')).toHaveLength(1);
    expect(lines.filter((l) => l === '# source lib/a.sh: already inlined above')).toHaveLength(1);
    for (const s of r.sources.slice(1)) {
      expect(lines.filter((l) => l === `# >>> ${s.path}`)).toHaveLength(1);
      expect(lines.filter((l) => l === `# <<< ${s.path}`)).toHaveLength(1);
    }
  });

  it('drops source lines, their shellcheck directives, *_DIR assignments and inner shebangs', () => {
    expect(lines.filter((l) => /^\s*(source|\.)\s/.test(l))).toEqual(['source ../lib/never.sh']); // the heredoc line
    expect(r.bundle).not.toMatch(/shellcheck source=/);
    expect(r.bundle).not.toMatch(/_DIR=/);
    expect(r.bundle).not.toMatch(/\bcd\b/);
    expect(lines.filter((l) => l.startsWith('#!'))).toEqual(['#!/usr/bin/env bash']);
    expect(lines[0]).toBe('#!/usr/bin/env bash');
  });

  it('leaves `source` inside a heredoc and a string alone, and the bundle runs', () => {
    const dir = tempDir();
    const run = runBash(r.bundle, dir, [], { FX_MARKER: join(dir, 'marker') });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('a\nb\nhelper\nc\ne\nd\ncommon\nsource ../lib/never.sh\nsource ../lib/never.sh\n');
    expect(readFileSync(join(dir, 'marker'), 'utf8')).toBe('');
  });

  it('ends with the three build constants and the guarded entry call', () => {
    const n = lines.length;
    expect(lines[n - 1]).toBe('');
    expect(lines[n - 2]).toBe('{ fx_main "$@"; }');
    expect(lines[n - 3]).toMatch(/^_LINUS_LINEMAP=\(1 '<bundle>' 1 .* \d+ 'actions\/main\.sh' 39\)$/);
    expect(r.lineMap[r.lineMap.length - 1]).toEqual({ bundleLine: n - 1, file: 'actions/main.sh', line: 39 });
    expect(lines[n - 4]).toBe(`_LINUS_SOURCES_SHA256='${r.sourcesSha256}'`);
    expect(lines[n - 5]).toBe("_LINUS_VERSION='0.1.0'");
    expect(lines[n - 6]).toBe('}');
    expect(lines[n - 7]).toBe('# <<< actions/main.sh');
    expect(lines.indexOf('{')).toBe(lines.indexOf('# >>> actions/main.sh') - 1);
    expect(lines.slice(1, 5).join('\n')).toContain(`Sources sha256: ${r.sourcesSha256}`);
    expect(lines.slice(1, 5).join('\n')).toContain('do not edit');
  });

  it('maps every inlined bundle line to the identical source line', () => {
    let checked = 0;
    lines.slice(0, -1).forEach((text, i) => {
      const loc = mapLine(r.lineMap, i + 1);
      if (loc.file === BUNDLE) {
        expect(loc.line).toBe(i + 1);
        return;
      }
      const src = readFileSync(join(FORMS, loc.file), 'utf8').split('\n');
      if (i + 1 === lines.length - 1) expect(text).toBe(`{ ${src[loc.line - 1]}; }`);
      else expect(text).toBe(src[loc.line - 1]);
      checked++;
    });
    expect(checked).toBeGreaterThan(30);
  });
});

describe('sources the compiler rejects', () => {
  const head = '#!/usr/bin/env bash\nset -eu\n';
  const lib = { 'lib/x.sh': 'fx_x() { :; }\n' };

  it.each([
    ['inside a function', 'f() {\n  source ../lib/x.sh\n}\n', 4],
    ['inside an if', 'if true; then\n  source ../lib/x.sh\nfi\n', 4],
    ['in a list', 'source ../lib/x.sh || exit 1\n', 3],
    ['in a command substitution', 'v="$(source ../lib/x.sh)"\n', 3],
    ['through builtin', 'builtin source ../lib/x.sh\n', 3],
  ])('source %s: file:line and a clear reason', (_what, body, line) => {
    const err = compileError(project({ 'actions/main.sh': head + body + ENTRY_TAIL, ...lib }));
    expect(err.file).toBe('actions/main.sh');
    expect(err.line).toBe(line);
    expect(err.message).toMatch(/^actions\/main\.sh:\d+: /);
    expect(err.message).toMatch(/top level|plain `source PATH`/);
  });

  it('a source marked `# linus: runtime-source` stays as it is, at any depth', () => {
    const body = 'fx_load() {\n  local f="$1"\n  # linus: runtime-source (a state file written at run time)\n  # shellcheck disable=SC1090\n' +
      '  [[ -f "$f" ]] && source "$f"\n  . "$f" # linus: runtime-source\n}\n';
    const r = compile({ root: project({ 'actions/main.sh': head + body + ENTRY_TAIL }) });
    expect(r.annotated).toContain('  [[ -f "$f" ]] && source "$f"\n  . "$f" # linus: runtime-source\n');
    expect(r.annotated).toContain('# shellcheck disable=SC1090\n');
    expect(r.bundle).toContain('\n[[ -f "$f" ]] && source "$f"\n. "$f"\n');
  });

  it.each([
    ['"$HOME/x.sh"'], ['"$(pwd)/x.sh"'], ['"$1"'], ['../lib/*.sh'], ['"$(dirname "$0")/../lib/x.sh"'], ['/etc/profile'],
  ])('dynamic or absolute path %s', (path) => {
    const err = compileError(project({ 'actions/main.sh': `${head}source ${path}\n${ENTRY_TAIL}`, ...lib }));
    expect(err.message).toMatch(/^actions\/main\.sh:3: unsupported source path/);
  });

  it('a missing file names the including file:line and the path', () => {
    const err = compileError(project({
      'actions/main.sh': `${head}# shellcheck source=/dev/null\nsource "$(dirname "\${BASH_SOURCE[0]}")/../lib/nope.sh"\n${ENTRY_TAIL}`,
    }));
    expect(err.message).toBe('actions/main.sh:4: sourced file not found: lib/nope.sh (from "$(dirname "${BASH_SOURCE[0]}")/../lib/nope.sh")');
  });

  it('a cycle names every file:line on the way', () => {
    const err = compileError(project({
      'actions/main.sh': `${head}source ../lib/a.sh\n${ENTRY_TAIL}`,
      'lib/a.sh': '#!/usr/bin/env bash\nsource "$(dirname "${BASH_SOURCE[0]}")/b.sh"\n',
      'lib/b.sh': '#!/usr/bin/env bash\n# comment\nsource "$(dirname "${BASH_SOURCE[0]}")/a.sh"\n',
    }));
    expect(err.message).toBe('lib/b.sh:3: source cycle: lib/a.sh:2 -> lib/b.sh:3 -> lib/a.sh');
  });

  it('a *_DIR variable used for anything but source', () => {
    const err = compileError(project({
      'actions/main.sh': `${head}SCRIPT_DIR="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"\nsource "$SCRIPT_DIR/../lib/x.sh"\necho "$SCRIPT_DIR"\n${ENTRY_TAIL}`,
      ...lib,
    }));
    expect(err.message).toMatch(/^actions\/main\.sh:5: SCRIPT_DIR is used outside a source statement/);
  });

  it('a *_DIR variable that is not assigned, or was reassigned by a sourced file', () => {
    const unassigned = compileError(project({ 'actions/main.sh': `${head}source "$LIB_DIR/x.sh"\n${ENTRY_TAIL}`, ...lib }));
    expect(unassigned.message).toMatch(/^actions\/main\.sh:3: LIB_DIR is not assigned/);
    const dirLine = 'LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"\n';
    const clobbered = compileError(project({
      'actions/main.sh': `${head}LIB_DIR="$(cd "$(dirname "\${BASH_SOURCE[0]}")/../lib" && pwd)"\nsource "$LIB_DIR/y.sh"\nsource "$LIB_DIR/x.sh"\n${ENTRY_TAIL}`,
      'lib/y.sh': `${dirLine}source "$LIB_DIR/z.sh"\n`,
      'lib/z.sh': ':\n',
      ...lib,
    }));
    expect(clobbered.message).toMatch(/^actions\/main\.sh:5: LIB_DIR here holds the directory set by lib\/y\.sh:1/);
  });

  it('a cd into a directory next to the file anywhere else', () => {
    const err = compileError(project({
      'actions/main.sh': `${head}f() {\n  local d\n  d="$(cd "$(dirname "\${BASH_SOURCE[0]}")/.." && pwd)"\n  echo "$d"\n}\n${ENTRY_TAIL}`,
    }));
    expect(err.message).toMatch(/^actions\/main\.sh:5: cd into a directory next to this file fails in the bundle/);
  });

  it.each([
    ['no final call', `${head}echo hi\nf() { :; }\n`],
    ['a comment after the call', `${head}${ENTRY_TAIL}# end\n`],
    ['two commands on the last line', `${head}f() { :; }\nf; f\n`],
    ['a pipeline', `${head}f() { :; }\nf | cat\n`],
  ])('an entry whose last line is not one simple call: %s', (_what, text) => {
    const err = compileError(project({ 'actions/main.sh': text }));
    expect(err.message).toMatch(/^actions\/main\.sh:\d+: the entry's last non-blank line must be one simple call/);
  });

  it('a bash syntax error names file:line', () => {
    const err = compileError(project({ 'actions/main.sh': `${head}if true; then\n  echo\n${ENTRY_TAIL}` }));
    expect(err.message).toMatch(/^actions\/main\.sh:3: bash syntax error: /);
  });

  it('a source statement sharing its line', () => {
    const err = compileError(project({ 'actions/main.sh': `${head}echo hi; source ../lib/x.sh\n${ENTRY_TAIL}`, ...lib }));
    expect(err.message).toBe('actions/main.sh:3: a source statement must be alone on its line');
  });
});

describe('*_DIR assignment forms', () => {
  it.each([
    ['"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"', ''],
    ['"$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)"', '/../lib'],
    ['"$( cd -P "$(dirname -- "${BASH_SOURCE[0]}")/x"  &&  pwd -P )"', '/x'],
    ['"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib"', '/../lib'],
    ['"$(dirname "${BASH_SOURCE[0]}")"', ''],
    ['"$(dirname "${BASH_SOURCE[0]}")/sub"', '/sub'],
    ['"${BASH_SOURCE[0]%/*}"', ''],
    ['$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)', ''],
  ])('%s', (value, rel) => {
    expect(dirAssignmentRel(value)).toBe(rel);
  });

  it.each([
    ['"$(cd "$(dirname "$0")" && pwd)"'], ['"$HOME/lib"'], ['"$(cd "$(dirname "${BASH_SOURCE[0]}")" || exit; pwd)"'],
    ['"$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"'], ['/opt/lib'],
  ])('not a supported form: %s', (value) => {
    expect(dirAssignmentRel(value)).toBeUndefined();
  });

  it('every form works end to end and leaves no trace in the bundle', () => {
    const forms = [
      'A_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib"',
      'B_DIR="$( cd -P "$(dirname -- "${BASH_SOURCE[0]}")/../lib"  &&  pwd -P )"',
      'C_DIR="${BASH_SOURCE[0]%/*}"',
    ];
    const root = project({
      'actions/main.sh': `#!/usr/bin/env bash\nset -eu\n${forms.join('\n')}\nsource "$A_DIR/a.sh"\nsource "\${B_DIR}/b.sh"\nsource "$C_DIR/../lib/c.sh"\n` +
        'fx_main() { fx_a; fx_b; fx_c; }\n\nfx_main "$@"\n',
      'lib/a.sh': 'fx_a() { echo a; }\n',
      'lib/b.sh': 'fx_b() { echo b; }\n',
      'lib/c.sh': 'fx_c() { echo c; }\n',
    });
    const r = compile({ root });
    expect(r.sources.map((s) => s.path)).toEqual(['actions/main.sh', 'lib/a.sh', 'lib/b.sh', 'lib/c.sh']);
    expect(r.bundle).not.toMatch(/_DIR|BASH_SOURCE/);
    expect(runBash(r.bundle, tempDir()).stdout).toBe('a\nb\nc\n');
  });
});
