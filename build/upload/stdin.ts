// The install command of `linus mcp`: the bundle arrives on the command's stdin (over the SSH
// connection, never through the model) and is installed like the last upload command does it
// (docs/UPLOAD.md): into a mktemp file beside the target, sha256 checked, chmod 700, then
// `mv -fT` (a rename: a symlink at the target is replaced, never followed). A target that
// already holds this script is kept and reported OK at once (stdin is then not read).
import { checkRemotePath } from './paths.js';
import { shQuote } from './quote.js';

export function makeStdinInstallCommand(remotePath: string, sha256: string): string {
  const t = checkRemotePath(remotePath);
  const h = sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(h)) throw new Error(`the sha256 must be 64 hex digits, got '${sha256}'`);
  return (
    `exec 2>&1;t=${shQuote(t)};h=${h};f=;` +
    'F(){ printf %s\\\\n "LINUS_UPLOAD:FAILED:$*";[ -z "$f" ]||rm -f "$f";exit 1;};' +
    '[ -f "$t" ]&&[ ! -L "$t" ]&&[ -O "$t" ]&&set -- $(sha256sum <"$t")&&[ "$1" = $h ]&&' +
    '{ echo LINUS_UPLOAD:PRESENT:$h;exit 0;};' +
    'f=$(exec mktemp "$t.XXXXXX")||F cannot write beside $t;' +
    'cat >"$f"||F cannot write $f;' +
    'set -- $(sha256sum <"$f");[ "$1" = $h ]||F sha256 mismatch: got $1;' +
    'chmod 700 "$f"&&mv -fT "$f" "$t"||F cannot install $t;echo LINUS_UPLOAD:OK:$h'
  );
}
