// Upload commands for an MCP exec tool (wire format in docs/UPLOAD.md).
import { payloadBase64, resolveCompress, sha256Hex, type CompressChoice } from './encode.js';
import { layout } from './layout.js';
import { checkRemotePath, DEFAULT_REMOTE_PATH } from './paths.js';

export { checkRemotePath, DEFAULT_REMOTE_PATH };

export interface UploadOptions {
  /** Longest command allowed, in characters; undefined = no MCP limit (still <= 100,000). */
  maxChars?: number;
  /** Where the script is installed on the host. */
  remotePath?: string;
  /** Payload compression: xz (default when this machine has the xz program) or gzip. */
  compress?: CompressChoice;
}

/** No command is ever longer: the kernel refuses an argument over 128 KiB (MAX_ARG_STRLEN). */
const HARD_MAX_CHARS = 100_000;

/** The effective limit: the MCP limit when given, never above HARD_MAX_CHARS. */
function effectiveLimit(maxChars: number | undefined): number {
  if (maxChars === undefined) return HARD_MAX_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new Error(`--max-chars must be a positive integer or 'none', got '${maxChars}'`);
  return Math.min(maxChars, HARD_MAX_CHARS);
}

/**
 * The staging directory on the host for this script, target and limit: `/tmp/.linus-<8 hex>`.
 * Fixed per upload, so chunk commands can be re-sent; distinct per layout, so chunks of another
 * layout or script never mix in.
 */
export function stagingDir(script: Buffer, opts: UploadOptions = {}): string {
  const remote = opts.remotePath ?? DEFAULT_REMOTE_PATH;
  const format = resolveCompress(opts.compress);
  const id = sha256Hex(`${sha256Hex(script)}\0${remote}\0${effectiveLimit(opts.maxChars)}\0${format}`).slice(0, 8);
  return `/tmp/.linus-${id}`;
}

/** The upload commands, one command a string, in the order to send them. */
export function makeUploadCommands(script: Buffer, opts: UploadOptions = {}): string[] {
  const remotePath = checkRemotePath(opts.remotePath ?? DEFAULT_REMOTE_PATH);
  const compress = resolveCompress(opts.compress);
  return layout({
    dir: stagingDir(script, opts),
    b64: payloadBase64(script, compress),
    sha256: sha256Hex(script),
    remotePath,
    limit: effectiveLimit(opts.maxChars),
    compress,
  });
}

interface UploadStats {
  commands: number;
  totalChars: number;
  maxCommandChars: number;
  /** Length of plain base64 of the raw script (the baseline). */
  plainBase64Chars: number;
  /** totalChars / plainBase64Chars (lower is better). */
  ratio: number;
}

/** Numbers for the benchmark: how many commands, how many characters, against plain base64. */
export function uploadStats(script: Buffer, commands: string[]): UploadStats {
  const totalChars = commands.reduce((s, c) => s + c.length, 0);
  const plainBase64Chars = Math.ceil(script.length / 3) * 4;
  return {
    commands: commands.length,
    totalChars,
    maxCommandChars: commands.reduce((m, c) => Math.max(m, c.length), 0),
    plainBase64Chars,
    ratio: plainBase64Chars === 0 ? 0 : totalChars / plainBase64Chars,
  };
}

export { makeFromUrlCommand, FROM_URL_MAX_CHARS } from './from-url.js';
export { resolveCompress, type Compress, type CompressChoice } from './encode.js';
export { makeRunCommand, NOT_RUN_EXIT, type RunCommandOptions } from './run.js';
