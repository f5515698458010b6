// The user's public key for `linus provision-cmd`: read on the agent's machine and passed to the
// host as `--ssh-key 'TEXT'`, so the user can log in to the VM (the bundle alone adds only the
// Proxmox host root's key). A file named by the user must be readable and hold one public key;
// the one-line run command cannot carry a line break, and the bundle's --ssh-key takes one text.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readSettings } from './settings.js';
import { absPath } from './options.js';

interface UserKey {
  /** The key line ("ssh-ed25519 AAAA... comment"). */
  text: string;
  /** The file it came from. */
  path: string;
}

/** The one public key in FILE; a one-line Error when it cannot be read or holds no / several keys. */
export function readPublicKeyFile(file: string, what: string): UserKey {
  const path = absPath(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`cannot read ${what} ${path} (${code}): give a readable public key file (.pub)`);
  }
  if (/PRIVATE KEY|PuTTY-User-Key-File/.test(text)) {
    throw new Error(`${path} is a PRIVATE key; give the public one (the .pub file beside it)`);
  }
  const keys = text.split('\n').map((l) => l.replace(/\r/g, '').trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (keys.length === 0) throw new Error(`${path} holds no public key: give a .pub file such as ~/.ssh/id_ed25519.pub`);
  if (keys.length > 1) {
    throw new Error(`${path} holds ${keys.length} keys; one run line carries one: give a file with one key, or --ssh-key 'KEY'`);
  }
  return { text: keys[0], path };
}

interface UserKeyChoice {
  key?: UserKey;
  /** Why no key was added (a note for stderr). */
  note?: string;
}

/**
 * The key to add when the options name none: `--key PATH` (its .pub), else the .pub beside the
 * key saved by `mcp-config --key`, else ~/.ssh/id_ed25519.pub, then ~/.ssh/id_rsa.pub. A named
 * file (option or setting) that cannot be read is an error; absent default files are a note.
 */
export function chooseUserKey(keyOption: string | undefined): UserKeyChoice {
  const pubOf = (p: string): string => (p.endsWith('.pub') ? p : `${p}.pub`);
  if (keyOption !== undefined) return { key: readPublicKeyFile(pubOf(keyOption), 'the public key of --key') };
  const saved = readSettings().key;
  if (saved !== undefined) return { key: readPublicKeyFile(pubOf(saved), 'the public key of the key saved by mcp-config') };
  const candidates = ['id_ed25519.pub', 'id_rsa.pub'].map((f) => join(homedir(), '.ssh', f));
  for (const c of candidates) if (existsSync(c)) return { key: readPublicKeyFile(c, 'your public key') };
  return {
    note: `no public key found (${candidates.join(', ')}): the VM accepts only the Proxmox host root's key; ` +
      'pass --key PATH, --ssh-key-file FILE or --ssh-key KEY to log in yourself',
  };
}
