import { describe, expect, it } from 'vitest';
import { cfgWrittenOutside, recordUses, scanNames, sharedGlobals } from '../build/structure/globals.js';
import { isBashFile, longFunctions, longLines } from '../build/structure/lines.js';
import { analyzeTrace, pairCounts, seqStats } from '../build/structure/trace.js';

describe('structure: trace', () => {
  it('collapses repeats, counts changes and returns', () => {
    const s = seqStats(['a', 'a', 'b', 'a', 'c', 'b', 'b']);
    expect(s.sequence).toEqual(['a', 'b', 'a', 'c', 'b']);
    expect(s.changes).toBe(4);
    expect(s.returns).toBe(2);
    expect(seqStats([])).toEqual({ sequence: [], changes: 0, returns: 0 });
  });
  it('counts unordered pairs', () => {
    expect(pairCounts(['a', 'b', 'a', 'c'])).toEqual([['a⇄b', 2], ['a⇄c', 1]]);
  });
  it('reads files from PS4 lines and filters steps/', () => {
    const trace = [
      '+/r/steps/main.sh|linus_main',
      '++/r/steps/../lib-sh/core.sh|x=1',
      '++/r/steps/options.sh|opt_parse',
      '+++/r/steps/../lib-sh/core.sh|y',
      '++/r/steps/main.sh|z',
      'continuation line without prefix',
      '+|top level',
    ].join('\n');
    const t = analyzeTrace(trace, '/r');
    expect(t.all.sequence).toEqual(['steps/main.sh', 'lib-sh/core.sh', 'steps/options.sh', 'lib-sh/core.sh',
      'steps/main.sh']);
    expect(t.all.returns).toBe(2);
    expect(t.steps.sequence).toEqual(['steps/main.sh', 'steps/options.sh', 'steps/main.sh']);
    expect(t.steps.returns).toBe(1);
  });
  it('skips the sourcing before linus_main', () => {
    const trace = [
      '+/r/actions/main.sh|source /r/steps/a.sh',
      '++/r/steps/a.sh|source /r/steps/b.sh',
      '+++/r/steps/b.sh|true',
      '++/r/steps/a.sh|true',
      '+/r/actions/main.sh|linus_main provision',
      '++/r/steps/b.sh|step_b',
      '++/r/steps/a.sh|step_a',
    ].join('\n');
    const t = analyzeTrace(trace, '/r');
    expect(t.steps.sequence).toEqual(['steps/b.sh', 'steps/a.sh']);
    expect(t.steps.returns).toBe(0);
  });
});

describe('structure: globals', () => {
  it('finds writes and reads, not local lines', () => {
    const s = scanNames([
      'A_B=1', 'CC+=x', 'DD[k]=v', 'printf -v EE "%s" "$FF"', 'read -r GG HH <<<"$x"', 'mapfile -t II < f',
      'declare -g JJ', 'local KK=1 LL', 'echo "${MM:-} ${#NN} ${!OO}"', '[[ -v PP ]]', '# QQ=1', 'R=1 $S',
    ].join('\n'));
    expect([...s.writes].sort()).toEqual(['A_B', 'CC', 'DD', 'EE', 'GG', 'HH', 'II', 'JJ']);
    expect([...s.reads].sort()).toEqual(['FF', 'MM', 'NN', 'OO', 'PP']);
  });
  it('reports names written in one file and read in another', () => {
    const files = [
      { path: 'steps/a.sh', text: 'X_ONE=1\nCFG_A=2\nY=3\necho "$Y"' },
      { path: 'steps/b.sh', text: 'echo "$X_ONE $CFG_A $Y $PATH"' },
      { path: 'steps/options.sh', text: 'CFG_B=1' },
    ];
    expect(sharedGlobals(files)).toEqual([
      { name: 'CFG_A', writers: ['steps/a.sh'], readers: ['steps/b.sh'] },
      { name: 'X_ONE', writers: ['steps/a.sh'], readers: ['steps/b.sh'] },
      { name: 'Y', writers: ['steps/a.sh'], readers: ['steps/b.sh'] },
    ].filter((g) => g.name !== 'Y'));
    expect(cfgWrittenOutside(files, ['steps/options.sh']).map((g) => g.name)).toEqual(['CFG_A']);
  });
});

describe('structure: records', () => {
  it('lists a record\'s keys and the files that write and read it, as one shared name', () => {
    const files = [
      { path: 'lib-sh/state.sh', text: 'declare -gA VM=(\n  [id]="" # x\n)' },
      { path: 'steps/a.sh', text: 'VM[id]=1 VM[ip]="$x"\nread -r "VM[mac]" <<<"$y"\n# VM[nope]=1' },
      { path: 'steps/b.sh', text: 'echo "${VM[ip]} ${VM[id]:-} ${#VM[mac]}"' },
      { path: 'steps/c.sh', text: 'printf -v \'VM[name]\' %s x' },
    ];
    expect(recordUses(files, ['VM'])).toEqual([
      { name: 'VM', keys: ['id', 'ip', 'mac', 'name'], writers: ['steps/a.sh', 'steps/c.sh'], readers: ['steps/b.sh'] },
    ]);
    expect(sharedGlobals(files).map((g) => g.name)).toEqual(['VM']);
  });
});

describe('structure: lines', () => {
  it('counts lines over the limit', () => {
    expect(longLines('f', `${'x'.repeat(121)}\n${'y'.repeat(120)}`).map((f) => f.line)).toEqual([1]);
  });
  it('finds long functions, skipping heredoc usage texts', () => {
    const body = (n: number) => Array.from({ length: n }, () => '  :').join('\n');
    const text = `f() {\n${body(38)}\n}\ng() {\n${body(40)}\n}\nh() {\n  cat <<EOF\n${body(50)}\nEOF\n}\n`;
    expect(longFunctions('x.sh', text).map((f) => f.detail)).toEqual(['g: 42 lines']);
  });
  it('recognises bash files', () => {
    expect(isBashFile('a/b.bats', '')).toBe(true);
    expect(isBashFile('bin/qm', '#!/usr/bin/env bash')).toBe(true);
    expect(isBashFile('bin/tool', '#!/usr/bin/env perl')).toBe(false);
    expect(isBashFile('x.ts', '#!/bin/sh')).toBe(false);
  });
});
