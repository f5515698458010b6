// The Proxmox host as `linus mcp` reaches it: the bundle installed over the SSH connection
// (once: skipped while the installed sha256 matches), then the run line of build/upload/run.ts
// (which checks that sha256 again) with the script's arguments.
import { readFileSync } from 'node:fs';
import { sha256Hex } from '../upload/encode.js';
import { makeRunCommand, NOT_RUN_EXIT } from '../upload/index.js';
import { makeStdinInstallCommand } from '../upload/stdin.js';
import { parseRunOutput, type LinusJson, type RunOutput } from './protocol.js';
import { runSsh, type SshTarget } from './ssh.js';
import { sshFailure } from './ssh-errors.js';

export interface HostOptions {
  target: SshTarget;
  /** The local bundle. */
  bundle: string;
  remotePath: string;
  sudo: boolean;
  /** Lines for the server's stderr log. */
  log: (line: string) => void;
}

/** What one run gave: the parsed output, or why it did not run (or did not finish). */
export type RunOutcome = { ok: true; out: RunOutput; json: LinusJson } | { ok: false; error: string; out?: RunOutput };

export interface RunOptions {
  signal?: AbortSignal;
  boundMs?: number;
}

export class Host {
  private readonly script: Buffer;
  readonly sha256: string;
  private installed: Promise<string | undefined> | undefined;
  /** How many times the bundle was sent (for the log and the tests). */
  uploads = 0;

  constructor(private readonly o: HostOptions) {
    this.script = readFileSync(o.bundle);
    this.sha256 = sha256Hex(this.script);
  }

  /** Installs the bundle unless the host holds it already; the error, or undefined. */
  ensureInstalled(): Promise<string | undefined> {
    this.installed ??= this.install().then((err) => {
      if (err !== undefined) this.installed = undefined; // try again on the next call
      return err;
    });
    return this.installed;
  }

  private async install(): Promise<string | undefined> {
    const cmd = makeStdinInstallCommand(this.o.remotePath, this.sha256);
    const r = await runSsh(this.o.target, cmd, { input: this.script });
    const failure = sshFailure(this.o.target, r);
    if (failure !== undefined) return failure;
    const status = parseRunOutput(r.stdout).lines.UPLOAD ?? '';
    if (status === `PRESENT:${this.sha256}`) {
      this.o.log(`the bundle ${this.sha256.slice(0, 12)} is installed at ${this.o.remotePath} already`);
      return undefined;
    }
    if (status === `OK:${this.sha256}`) {
      this.uploads++;
      const what = `${this.sha256.slice(0, 12)} at ${this.o.remotePath} (${this.script.length} bytes)`;
      this.o.log(`installed the bundle ${what}`);
      return undefined;
    }
    const why = status.startsWith('FAILED:')
      ? status.slice(7)
      : `no status line (exit ${r.code}): ${r.stdout.trim().slice(-200)}`;
    return `cannot install the script at ${this.o.remotePath} on ${this.o.target.host}: ${why}`;
  }

  /** Runs the script with ARGS (installing it first when needed). */
  async run(args: string[], o: RunOptions = {}): Promise<RunOutcome> {
    for (let attempt = 0; ; attempt++) {
      const err = await this.ensureInstalled();
      if (err !== undefined) return { ok: false, error: err };
      const line = makeRunCommand(args, {
        remotePath: this.o.remotePath, sha256: this.sha256, sudo: this.o.sudo, allowLineBreaks: true,
      });
      const r = await runSsh(this.o.target, line, { signal: o.signal, boundMs: o.boundMs });
      const failure = sshFailure(this.o.target, r);
      const out = parseRunOutput(r.stdout);
      if (failure !== undefined) return { ok: false, error: failure, out };
      // The installed file went away or changed since: install again, once.
      if (out.exit === NOT_RUN_EXIT && attempt === 0) {
        this.o.log(`the installed script changed (${out.lines.ERROR ?? 'sha256 check failed'}): installing it again`);
        this.installed = undefined;
        continue;
      }
      if (out.json === undefined) {
        const why = out.lines.ERROR ?? out.log.slice(-3).join(' | ');
        const error = `the script printed no result (exit ${out.exit ?? r.code})${why ? `: ${why}` : ''}`;
        return { ok: false, error, out };
      }
      return { ok: true, out, json: out.json };
    }
  }
}
