// The shell text of the upload commands (wire format: docs/UPLOAD.md). Every fragment here
// runs the same under dash and bash, holds no `eval`, pipes nothing into a shell and sends
// stderr to stdout (`exec 2>&1`), so each command's last line is its own LINUS_UPLOAD status.
import { shQuote } from './quote.js';

/** What every command of one upload shares. */
export interface Frame {
  /** Staging directory: a safe fixed name (no quoting needed), mode 700, owned by the user. */
  dir: string;
  /** Total number of commands (the final command is number `total`). */
  total: number;
}

/** One chunk command: stores `word` (already a shell word) as file `name` in the staging dir. */
export function chunkCommand(f: Frame, name: number, word: string): string {
  return (
    `exec 2>&1;d=${f.dir};mkdir -pm700 $d;[ -O $d -a ! -L $d ]&&printf %s ${word}>$d/${name}` +
    `&&echo LINUS_UPLOAD:CHUNK:${name}/${f.total}||! echo LINUS_UPLOAD:FAILED:chunk ${name}`
  );
}

/** What the assembly step needs to know. */
export interface Assembly {
  /** Data chunks are files 1..chunks. */
  chunks: number;
  sha256: string;
  remotePath: string;
}

/**
 * The assembly program (runs in the final command itself, or as the helper file `h`).
 * Reports OK at once when the target already holds this script (a re-sent last command).
 * Otherwise checks the staging dir, names missing chunks, decodes into a mktemp file beside the target,
 * checks the sha256, then chmod 700 and `mv -fT` (rename: a symlink at the target is replaced,
 * never followed). Any failure removes the temp file and exits 1; the staging dir is kept so
 * missing chunks can be re-sent. Success removes the staging dir.
 */
export function assemblyProgram(f: Frame, a: Assembly): string {
  return (
    `n=${a.chunks};h=${a.sha256};t=${shQuote(a.remotePath)};d=${f.dir};f=;m=;` +
    'F(){ printf %s\\\\n "LINUS_UPLOAD:FAILED:$*";rm -f "$f";exit 1;};' +
    // Already installed (a re-sent last command whose first reply was lost): report OK again.
    '[ -f "$t" ]&&[ ! -L "$t" ]&&set -- $(sha256sum <"$t")&&[ "$1" = $h ]&&' +
    '{ [ -O $d -a ! -L $d ]&&rm -f $d/*&&rmdir $d;echo LINUS_UPLOAD:OK:$h;exit 0;};' +
    '[ ! -L $d ]&&cd $d&&[ -O . ]||F staging dir $d unusable;' +
    'for i in $(seq $n);do [ -f $i ]||m="$m $i";done;' +
    '[ -z "$m" ]||F missing chunks$m;' +
    'f=$(exec mktemp "$t.XXXXXX")||F cannot write beside $t;' +
    'cat $(seq $n)|base64 -d|gunzip >"$f"||F corrupt data: re-send all;' +
    'set -- $(sha256sum <"$f");[ "$1" = $h ]||F sha256 mismatch: re-send all;' +
    'chmod 700 "$f"&&mv -fT "$f" "$t"||F cannot install $t;' +
    'rm -f ./*;cd /;rmdir $d;echo LINUS_UPLOAD:OK:$h'
  );
}

/** The final command when the assembly program fits in it, carrying the last data chunk (if any). */
export function inlineFinalCommand(f: Frame, a: Assembly, lastChunk: string | undefined): string {
  const store =
    lastChunk === undefined
      ? ''
      : `mkdir -pm700 $d;[ -O $d -a ! -L $d ]&&printf %s ${lastChunk}>$d/${a.chunks}||F chunk ${a.chunks};`;
  const prog = assemblyProgram(f, a);
  const cut = prog.indexOf('[ ! -L $d ]');
  return `exec 2>&1;${prog.slice(0, cut)}${store}${prog.slice(cut)}`;
}

/**
 * The final command when the assembly program travels as helper chunks `first..last`: checks
 * the staging dir and the helper chunks, joins them into `h` and runs `sh h` (a file, not a pipe).
 */
export function helperFinalCommand(f: Frame, first: number, last: number): string {
  const seq = `$(seq ${first} ${last})`;
  return (
    `exec 2>&1;d=${f.dir};m=;[ ! -L $d ]&&cd $d&&[ -O . ]&&for i in ${seq};do [ -f $i ]||m="$m $i";done` +
    `||m=": $d unusable";[ -z "$m" ]&&cat ${seq}>h||! echo LINUS_UPLOAD:FAILED:missing chunks$m||exit 1;sh h`
  );
}
