#!/usr/bin/env bats
# lib-sh/validation-ssh.sh: OpenSSH public keys, checked with ssh-keygen; private keys refused
# without ever echoing them.

setup_file() {
  local d="$BATS_FILE_TMPDIR"
  ssh-keygen -q -t ed25519 -N '' -C 'me@laptop' -f "$d/ed" </dev/null
  ssh-keygen -q -t ecdsa -b 256 -N '' -C '' -f "$d/ec" </dev/null
  ssh-keygen -q -t rsa -b 2048 -N '' -C 'rsa key' -f "$d/rsa" </dev/null
}

setup() {
  load '../helpers/common'
  lib_source validation
  ED="$(<"$BATS_FILE_TMPDIR/ed.pub")"
  EC="$(<"$BATS_FILE_TMPDIR/ec.pub")"
  RSA="$(<"$BATS_FILE_TMPDIR/rsa.pub")"
}

@test "one key of each common type" {
  valid val_ssh_pubkeys "$ED"
  valid val_ssh_pubkeys "$EC" "${EC% }"
  valid val_ssh_pubkeys "$RSA"
}

@test "several keys, blank lines, comments, CRLF and indentation -> trimmed, one a line" {
  valid val_ssh_pubkeys $'# laptop\n\n  '"$ED"$'  \r\n'"$RSA"$'\n\n# end\n' "$ED"$'\n'"$RSA"
}

@test "no key at all" {
  invalid val_ssh_pubkeys ''
  invalid val_ssh_pubkeys $'# only a comment\n\n'
  [[ "$VAL_ERR" == "no public key found;"* ]]
}

@test "a private key is refused and never echoed" {
  local priv
  for f in ed rsa ec; do
    priv="$(<"$BATS_FILE_TMPDIR/$f")"
    invalid val_ssh_pubkeys "$priv"
    assert_equal "$VAL_ERR" \
      "this is a PRIVATE key; never pass it on; give the PUBLIC key instead (the .pub file, e.g. ~/.ssh/id_ed25519.pub)"
    invalid val_ssh_pubkeys "$ED"$'\n'"$priv"
    [[ "$VAL_ERR" != *"${priv:40:20}"* ]]
  done
  invalid val_ssh_pubkeys $'-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----'
  [[ "$VAL_ERR" == *PRIVATE* && "$VAL_ERR" != *MIIEow* ]]
  invalid val_ssh_pubkeys $'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none'
}

@test "a damaged key is refused by ssh-keygen; the error names the line, not the key" {
  local type blob comment
  read -r type blob comment <<<"$ED"
  invalid val_ssh_pubkeys "$type ${blob:0:${#blob}-4} $comment"
  [[ "$VAL_ERR" == "line 1: not a valid ssh-ed25519 public key"* ]]
  [[ "$VAL_ERR" != *"${blob:10:20}"* ]]
  invalid val_ssh_pubkeys "$ED"$'\n'"ssh-rsa ${blob}"
  [[ "$VAL_ERR" == "line 2: "* ]]
  invalid val_ssh_pubkeys "ssh-ed25519 AAAAnotbase64!"
  invalid val_ssh_pubkeys "ssh-ed25519"
}

@test "wrong shapes: unknown type, options prefix, dss, hostile text" {
  local type blob comment
  read -r type blob comment <<<"$ED"
  invalid val_ssh_pubkeys "ssh-foo $blob"
  invalid val_ssh_pubkeys "from=\"10.0.0.1\" $ED"
  invalid val_ssh_pubkeys "command=\"rm -rf /\" $ED"
  invalid val_ssh_pubkeys "ssh-dss AAAAB3NzaC1kc3MAAACBAP"
  [[ "$VAL_ERR" == *"DSA"* ]]
  invalid val_ssh_pubkeys "$blob"
  invalid val_ssh_pubkeys "ssh-ed25519 \$(id)"
  invalid val_ssh_pubkeys "$ED; rm -rf /"$'\n'"\`id\`"
  all_invalid val_ssh_pubkeys
}

@test "at most 100 keys" {
  local many=""
  for _ in {1..101}; do many+="$ED"$'\n'; done
  invalid val_ssh_pubkeys "$many"
  assert_equal "$VAL_ERR" "more than 100 keys; give at most 100"
}

@test "no temp file is left behind" {
  export TMPDIR="$BATS_TEST_TMPDIR/tmp"
  mkdir -p "$TMPDIR"
  valid val_ssh_pubkeys "$ED"
  invalid val_ssh_pubkeys "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIbroken"
  run ls -A "$TMPDIR"
  assert_output ''
}

@test "the alias val_ssh_keys" {
  valid val_ssh_keys "$ED"
}
