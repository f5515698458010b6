// The shell text of the upload commands (wire format: docs/UPLOAD.md). Every fragment here
// runs the same under dash and bash, holds no `eval`, pipes nothing into a shell and sends
// stderr to stdout (`exec 2>&1`), so each command's last line is its own LINUS_UPLOAD status.
import type { Compress } from './encode.js';
import { shQuote } from './quote.js';

/** What every command of one upload shares. */
export interface Frame {
  /** Staging directory: a safe fixed name (no quoting needed), mode 700, owned by the user. */
  dir: string;
  /** Total number of commands (the final command is number `total`). */
  total: number;
}

/** A chunk's data as a shell word and the `cksum` line (`CRC LENGTH`) of the text it stores. */
export interface Piece {
  word: string;
  sum: string;
}

/** Stores a piece as file `name` in the cwd and keeps it only when its cksum matches. */
function storeChecked(name: string, p: Piece, onBad: string): string {
  return `printf %s ${p.word}>${name};cksum <${name}|grep -qx '${p.sum}'||{ rm ${name};${onBad};}`;
}

/**
 * One chunk command: stores piece `name` in the staging dir (created mode 700; used only when it
 * is the caller's own directory and not a symlink); a piece whose cksum differs from the one in
 * the command (a copy slip) is removed at once and the command fails naming its line.
 */
export function chunkCommand(f: Frame, name: number, p: Piece): string {
  return (
    `exec 2>&1;d=${f.dir};F(){ echo LINUS_UPLOAD:FAILED:$*;exit 1;};mkdir -pm700 $d;cd $d&&[ -O . -a ! -L $d ]||F $d unusable;` +
    storeChecked(String(name), p, `F chunk ${name} corrupt: re-send line ${name}`) +
    `;echo LINUS_UPLOAD:CHUNK:${name}/${f.total}`
  );
}

/** What the assembly step needs to know. */
interface Assembly {
  /** Data chunks are files 1..chunks. */
  chunks: number;
  sha256: string;
  remotePath: string;
  compress: Compress;
}

/**
 * Decodes the chunks into "$f". xz streams: the xz program (xz-utils), else zstd, which Debian
 * builds with liblzma and which every Proxmox VE host has (pve-manager depends on it). Each
 * decompressor is named, never a variable: ssh-mcp 2 classifies a command word it cannot name
 * as destructive.
 */
function decode(c: Compress): string {
  if (c === 'gzip') return 'cat $(seq $n)|base64 -d|gzip -dc >"$f"||F corrupt data: re-send all;';
  return (
    'command -v xz >/dev/null||command -v zstd >/dev/null||F no xz or zstd here: use linus upload --compress gzip;' +
    'D(){ cat $(seq $n)|base64 -d;};if command -v xz >/dev/null;then D|xz -dcq;else D|zstd -dcq;fi' +
    ' >"$f"||F corrupt data: re-send all;'
  );
}

/**
 * The assembly program (runs in the final command itself, or as the helper file `h`).
 * Reports OK at once when the target already holds this script (a re-sent last command).
 * Otherwise checks the staging dir, stores its own piece (inline final command), names every
 * missing or corrupt chunk, decodes into a mktemp file beside the target, checks the sha256, then
 * chmod 700 and `mv -fT` (rename: a symlink at the target is replaced, never followed). Any
 * failure removes the temp file and exits 1; the staging dir is kept so missing chunks can be
 * re-sent. Success removes the staging dir.
 */
export function assemblyProgram(f: Frame, a: Assembly, own?: Piece): string {
  const n = a.chunks;
  return (
    `n=${n};h=${a.sha256};t=${shQuote(a.remotePath)};d=${f.dir};f=;m=;c=;` +
    'F(){ printf %s\\\\n "LINUS_UPLOAD:FAILED:$*";rm -f "$f";exit 1;};' +
    // Already installed (a re-sent last command whose first reply was lost): report OK again.
    '[ -f "$t" ]&&[ ! -L "$t" ]&&set -- $(sha256sum <"$t")&&[ "$1" = $h ]&&' +
    '{ [ -O $d -a ! -L $d ]&&rm -f $d/*&&rmdir $d;echo LINUS_UPLOAD:OK:$h;exit 0;};' +
    (own ? 'mkdir -pm700 $d;' : '') +
    '[ ! -L $d ]&&cd $d&&[ -O . ]||F staging dir $d unusable;' +
    (own ? `${storeChecked('$n', own, 'c=1')};` : '') +
    `for i in $(seq ${own ? n - 1 : n});do [ -f $i ]||m="$m $i";done;` +
    '[ -z "$m" ]||F missing chunks$m${c:+, chunk $n corrupt}: re-send lines$m, then this line;' +
    '[ -z "$c" ]||F chunk $n corrupt: re-send line $n;' +
    'f=$(exec mktemp "$t.XXXXXX")||F cannot write beside $t;' +
    decode(a.compress) +
    'set -- $(sha256sum <"$f");[ "$1" = $h ]||F sha256 mismatch: re-send all;' +
    'chmod 700 "$f"&&mv -fT "$f" "$t"||F cannot install $t;' +
    'rm -f ./*;cd /;rmdir $d;echo LINUS_UPLOAD:OK:$h'
  );
}

/** The final command when the assembly program fits in it, carrying the last data chunk. */
export function inlineFinalCommand(f: Frame, a: Assembly, last: Piece): string {
  return `exec 2>&1;${assemblyProgram(f, a, last)}`;
}

/**
 * The final command when the assembly program travels as helper chunks `first..last`: names
 * every missing chunk (data and helper), joins the helper chunks into `h` and runs `sh h`
 * (a file, not a pipe).
 */
export function helperFinalCommand(f: Frame, first: number, last: number): string {
  return (
    `exec 2>&1;d=${f.dir};m=;[ ! -L $d ]&&cd $d&&[ -O . ]||{ echo LINUS_UPLOAD:FAILED:staging dir $d unusable;exit 1;};` +
    `for i in $(seq ${last});do [ -f $i ]||m="$m $i";done;[ -z "$m" ]&&cat $(seq ${first} ${last})>h` +
    '||! echo "LINUS_UPLOAD:FAILED:missing chunks$m: re-send lines$m, then this line"||exit 1;sh h'
  );
}
