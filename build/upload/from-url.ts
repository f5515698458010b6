// `linus upload --from-url URL`: ONE line that makes the host download the bundle itself
// (curl, else wget), check the pinned size and sha256, and install it atomically (docs/UPLOAD.md).
import { sha256Hex } from './encode.js';
import { checkRemotePath, DEFAULT_REMOTE_PATH } from './paths.js';
import { hasLineBreakOrControl, shQuote } from './quote.js';

/** The line is never longer: it must fit any MCP exec tool, ssh-mcp 1's default 1000 included. */
export const FROM_URL_MAX_CHARS = 1000;

interface FromUrlOptions {
  url: string;
  remotePath?: string;
}

function checkUrl(url: string): string {
  if (hasLineBreakOrControl(url) || /\s/.test(url)) throw new Error('--from-url must not hold spaces, line breaks or control characters');
  if (!/^https?:\/\/[^/?#]+/i.test(url)) throw new Error(`--from-url must be an http:// or https:// URL, got '${url}'`);
  return url;
}

/**
 * exec 2>&1; mktemp beside the target (O_EXCL: nothing planted there is followed); curl -fsSL
 * (HTTP errors fail, no progress meter, redirects followed: GitHub release downloads redirect),
 * else wget -q with one try; the size, then the sha256 of the bundle pinned in the line;
 * chmod 700 and `mv -fT` (rename(2): a symlink at the target is replaced, never followed).
 * Every failure removes the temp file, installs nothing and ends with LINUS_UPLOAD:FAILED.
 */
export function makeFromUrlCommand(script: Buffer, opts: FromUrlOptions): string {
  const url = checkUrl(opts.url);
  const target = checkRemotePath(opts.remotePath ?? DEFAULT_REMOTE_PATH);
  const sha = sha256Hex(script);
  const line =
    `exec 2>&1;u=${shQuote(url)};t=${shQuote(target)};h=${sha};b=${script.length};f=;` +
    'F(){ printf %s\\\\n "LINUS_UPLOAD:FAILED:$*";rm -f "$f";exit 1;};' +
    'f=$(exec mktemp "$t.XXXXXX")||F cannot write beside $t;' +
    'if command -v curl >/dev/null;then c=$(curl -fsSL --connect-timeout 20 -w %{http_code} -o "$f" "$u")' +
    '||F download failed: curl exit $?, HTTP $c;' +
    'elif command -v wget >/dev/null;then wget -q -T 20 -t 1 -O "$f" "$u"||F download failed: wget exit $?;' +
    'else F no curl or wget here: use scp or linus upload;fi;' +
    'set -- $(wc -c <"$f");[ "$1" = $b ]||F truncated or not this bundle: $1 of $b bytes;' +
    'set -- $(sha256sum <"$f");[ "$1" = $h ]||F sha256 mismatch: not the bundle of this linus version;' +
    'chmod 700 "$f"&&mv -fT "$f" "$t"||F cannot install $t;echo LINUS_UPLOAD:OK:$h';
  if (line.length > FROM_URL_MAX_CHARS || Buffer.byteLength(line) > FROM_URL_MAX_CHARS) {
    throw new Error(`the --from-url line is ${Buffer.byteLength(line)} characters, over ${FROM_URL_MAX_CHARS}: use a shorter URL or --remote-path`);
  }
  return line;
}
