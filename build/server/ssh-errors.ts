// An ssh failure (exit 255, or a command stopped at the bound) in one clear line for the model.
import type { SshResult, SshTarget } from './ssh.js';
import { SSH_COMMAND_BOUND_S } from './limits.js';

/** The ssh diagnostic lines (ssh prefixes nothing; the remote side's stderr is merged away). */
function lastLines(stderr: string): string {
  return stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('@')).slice(-3).join(' | ');
}

/** Undefined when ssh itself worked (the remote command ran to its end). */
export function sshFailure(t: SshTarget, r: SshResult): string | undefined {
  const where = `${t.user}@${t.host}:${t.port}`;
  if (r.aborted) return `the request was cancelled; the SSH command to ${where} was stopped`;
  if (r.timedOut) return `the SSH command to ${where} ran over ${SSH_COMMAND_BOUND_S} s and was stopped`;
  if (r.code !== 255) return undefined;
  const e = r.stderr;
  const known = t.knownHosts ?? '~/.ssh/known_hosts';
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(e)) {
    return `host key verification failed for ${where}: the host's key differs from the one in ${known}; ` +
      'nothing ran. If the host was reinstalled, check its fingerprint and replace the entry (ssh-keygen -R)';
  }
  if (/Host key verification failed|No .* host key is known/.test(e)) {
    return `host key verification failed for ${where}: its key is not in ${known}; nothing ran. ` +
      'Check the fingerprint and add it (ssh once by hand, or --known-hosts FILE)';
  }
  if (/Connection refused/.test(e)) {
    return `cannot reach ${where}: connection refused (is sshd listening on port ${t.port}?); nothing ran`;
  }
  if (/timed out/i.test(e)) return `cannot reach ${where}: the connection timed out; nothing ran`;
  if (/Could not resolve hostname/.test(e)) return `cannot resolve the host name ${t.host}; nothing ran`;
  if (/Permission denied/.test(e)) {
    return `${where} refused the login (permission denied) with the key ${t.key}; nothing ran`;
  }
  if (/cannot run ssh/.test(e)) return `${lastLines(e)}: install the OpenSSH client (ssh)`;
  return `ssh to ${where} failed: ${lastLines(e) || 'exit 255'}`;
}
