// Upload commands for an MCP exec tool (CONTRACT §5). Placeholder interface: the upload work
// replaces the bodies; the signatures are what build/commands/build.ts relies on.

export interface UploadOptions {
  /** Longest command allowed, in characters; undefined = no MCP limit (still <= 100,000). */
  maxChars?: number;
  /** Where the script is installed on the host. */
  remotePath?: string;
}

export const DEFAULT_REMOTE_PATH = '/tmp/linus-provision-proxmox.sh';

/** The upload commands, one command a string, in the order to send them. */
export function makeUploadCommands(script: Buffer, opts: UploadOptions = {}): string[] {
  void script;
  void opts;
  throw new Error('upload commands are not implemented yet');
}
