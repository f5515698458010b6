// @ts-check
// PVE::Tools::validate_ssh_public_keys (each line must parse as an OpenSSH public key).
import { die } from './util.mjs';

const KEY = /^(?:(?:[\w-]+(?:="[^"]*")?,?)* )?(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/;

/** @param {string} text */
export function checkSshKeys(text) {
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!KEY.test(line.trim())) die('SSH public key validation error');
  }
}

/** `type base64` of every key in an (unescaped) authorized_keys text. @param {string} text */
export function keyIds(text) {
  return text.split('\n').map((l) => KEY.exec(l.trim())).filter((m) => m).map((m) => `${m?.[1]} ${m?.[2]}`);
}
