// The one line that checks the installed script's sha256 again and runs it.
import { hasLineBreakOrControl, shQuote, shWord } from './quote.js';
import { checkRemotePath, DEFAULT_REMOTE_PATH } from './paths.js';

export interface RunCommandOptions {
  remotePath?: string;
  /** Expected sha256 (64 hex digits) of the installed script. */
  sha256: string;
  /** Run the script with `sudo -n` (a non-root SSH user with passwordless sudo). */
  sudo?: boolean;
  /**
   * Let arguments hold line breaks (the script's --ssh-key takes several keys, one a line): for
   * a command sent as ssh's remote command, where sh reads them inside single quotes. An MCP
   * exec tool's one-line command cannot carry them; other control characters never travel.
   */
  allowLineBreaks?: boolean;
}

/** Exit code (and LINUS_EXIT) when the installed script is missing or differs: it did not run. */
export const NOT_RUN_EXIT = 126;

/**
 * `exec 2>&1`, then the checks (regular file, not a symlink, owned by the SSH user, sha256),
 * then `bash FILE ARGS`, `LINUS_EXIT:<its code>` and exit with that code. On a failed check:
 * LINUS_RESULT:FAILURE, LINUS_ERROR:<reason>, LINUS_EXIT:126, and the script does not run.
 */
export function makeRunCommand(args: string[], opts: RunCommandOptions): string {
  const path = checkRemotePath(opts.remotePath ?? DEFAULT_REMOTE_PATH);
  const sha = opts.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error(`--sha256 must be 64 hex digits, got '${opts.sha256}'`);
  args.forEach((a, i) => {
    if (hasLineBreakOrControl(opts.allowLineBreaks === true ? a.replace(/\n/g, '') : a)) throw new Error(`argument ${i + 1} holds a line break or control character: it cannot travel in a one-line command`);
  });
  const argv = args.map((a) => ` ${shWord(a)}`).join('');
  const run = opts.sudo ? 'sudo -n bash' : 'bash';
  return (
    `exec 2>&1;f=${shQuote(path)};h=${sha};e=;set -- $(sha256sum <"$f");` +
    '[ -f "$f" -a ! -L "$f" ]||e="$f is not a regular file";' +
    '[ -n "$e" -o -O "$f" ]||e="$f is not owned by $(id -un)";' +
    '[ -n "$e" -o "$1" = $h ]||e="$f has sha256 $1, not $h";' +
    `if [ -z "$e" ];then ${run} "$f"${argv};r=$?;echo LINUS_EXIT:$r;exit $r;fi;` +
    'echo LINUS_RESULT:FAILURE;printf %s\\\\n "LINUS_ERROR:$e: the script did not run; upload it again (linus upload)";' +
    `echo LINUS_EXIT:${NOT_RUN_EXIT};exit ${NOT_RUN_EXIT}`
  );
}
