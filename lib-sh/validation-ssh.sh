# shellcheck shell=bash
# SSH public key validation (part of lib-sh/validation.sh, which defines val_fail/val_ok).
# The key text never appears in VAL_ERR (only line numbers), and a private key is named as such.

# val_ssh_key_type T: 0 when T is an OpenSSH public key type this tool accepts.
val_ssh_key_type() {
  case "$1" in
    ssh-ed25519 | ssh-rsa | ecdsa-sha2-nistp256 | ecdsa-sha2-nistp384 | ecdsa-sha2-nistp521) return 0 ;;
    sk-ssh-ed25519@openssh.com | sk-ecdsa-sha2-nistp256@openssh.com) return 0 ;;
  esac
  return 1
}

# val_ssh_keygen_ok LINE: 0 when ssh-keygen -l accepts LINE as a public key (checked on a private
# temp file). Without ssh-keygen on the host the format check of val_ssh_pubkeys stands alone.
val_ssh_keygen_ok() {
  local tmp rc=0
  command -v ssh-keygen >/dev/null 2>&1 || return 0
  tmp="$(umask 077 && mktemp "${TMPDIR:-/tmp}/linus-key.XXXXXX")" || return 1
  printf '%s\n' "$1" >"$tmp"
  ssh-keygen -l -f "$tmp" >/dev/null 2>&1 || rc=1
  rm -f "$tmp"
  return "$rc"
}

# val_ssh_pubkeys TEXT: one or more OpenSSH public keys, one a line ("type base64 [comment]");
# blank lines and # comments are ignored, at most 100 keys. ssh-dss and authorized_keys options
# are refused. -> VAL_OUT the keys, one a line (trimmed, CR removed).
val_ssh_pubkeys() {
  local text="${1-}" line n=0 count=0 type blob good_keys="" LC_ALL=C
  local accepted="expected OpenSSH public keys, one a line, like 'ssh-ed25519 AAAA... comment' (the .pub file)"
  if [[ "$text" == *PRIVATE\ KEY* || "$text" == *PuTTY-User-Key-File* || "$text" == *OPENSSH\ PRIVATE* ]]; then
    val_fail "this is a PRIVATE key; never pass it on; give the PUBLIC key instead \
(the .pub file, e.g. ~/.ssh/id_ed25519.pub)"
    return 1
  fi
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    line="${line//$'\r'/}"
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [[ -z "$line" || "$line" == \#* ]] && continue
    read -r type blob _ <<<"$line"
    if [[ "$type" == ssh-dss ]]; then
      val_fail "line ${n}: DSA (ssh-dss) keys are refused by current OpenSSH servers; use an ed25519 or RSA key"
      return 1
    fi
    if ! val_ssh_key_type "$type"; then
      val_fail "line ${n}: not an OpenSSH public key (unknown key type; options before the key are not \
accepted); ${accepted}"
      return 1
    fi
    if [[ ! "$blob" =~ ^AAAA[A-Za-z0-9+/]+={0,2}$ ]] || ! val_ssh_keygen_ok "$line"; then
      val_fail "line ${n}: not a valid ${type} public key (ssh-keygen -l rejects it); ${accepted}"
      return 1
    fi
    count=$((count + 1))
    ((count <= 100)) || { val_fail "more than 100 keys; give at most 100" || return 1; }
    good_keys+="${good_keys:+$'\n'}${line}"
  done <<<"$text"
  ((count > 0)) || { val_fail "no public key found; ${accepted}" || return 1; }
  val_ok "$good_keys"
}
