#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# Output an agent reads through ssh-mcp 2: res_safe_path (paths its redactor leaves whole) and
# ssh_fingerprint_hex (the host key fingerprint as hex). Checked against ssh-mcp's own redactor.
bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/redactor'
  lib_source result
  # shellcheck source=/dev/null # the step is checked on its own
  source "$REPO_ROOT/steps/ssh.sh"
  unset LINUS_RES_NO_PERL
}

@test "res_safe_path: a path the redactor would hide gets /./ at a slash; the redactor keeps it; same file" {
  local d="$BATS_TEST_TMPDIR/var/lib/linus-provision/jobs/20261203T114922Z-H9O3jekq" p safe
  mkdir -p "$d" && echo x >"$d/log"
  p="$d/log"
  [[ "$(redacted "$p")" == *REDACTED:entropy* ]] # the plain path is hidden
  safe="$(res_safe_path "$p")"
  [[ "$safe" == */./* ]]
  [ "${safe//\/.\//\/}" = "$p" ]
  [ "$(redacted "$safe")" = "$safe" ]
  [ "$(readlink -f -- "$safe")" = "$(readlink -f -- "$p")" ]
  [ "$(cat "$safe")" = x ]
}

@test "res_safe_path: the default job log and a 9-digit VM's known_hosts option survive; short paths unchanged" {
  local p safe
  for p in /var/lib/linus-provision/jobs/20261203T114922Z-H9O3jekq/log \
    "-o UserKnownHostsFile=/var/lib/linus-provision/known_hosts/123456789"; do
    [[ "$(redacted "$p")" == *REDACTED:entropy* ]]
    safe="$(res_safe_path "$p")"
    [ "$(redacted "$safe")" = "$safe" ]
    [ "${safe//\/.\//\/}" = "$p" ]
  done
  for p in /root/.ssh/id_ed25519 /var/lib/linus-provision/passwords/vm-100.password /a "" relative/x; do
    [ "$(res_safe_path "$p")" = "$p" ]
  done
}

@test "res_safe_path without perl: the path as it is" {
  export LINUS_RES_NO_PERL=1
  [ "$(res_safe_path /var/lib/linus-provision/jobs/20261203T114922Z-H9O3jekq/log)" = \
    /var/lib/linus-provision/jobs/20261203T114922Z-H9O3jekq/log ]
}

@test "ssh_fingerprint_hex: the SHA256 fingerprint ssh-keygen prints, as 64 lowercase hex digits of the same digest" {
  local k="$BATS_TEST_TMPDIR/k" fp hex
  ssh-keygen -q -t ed25519 -N '' -f "$k"
  fp="$(ssh-keygen -l -E sha256 -f "$k.pub" | awk '{print $2}')"
  run ssh_fingerprint_hex "$fp"
  assert_success
  assert_output "$(awk '{print $2}' "$k.pub" | base64 -d | sha256sum | cut -d' ' -f1)"
  [[ "$output" =~ ^[0-9a-f]{64}$ ]]
  hex="$output"
  [ "$(redacted "LINUS_VM_HOST_KEY_SHA256_HEX:$hex")" = "LINUS_VM_HOST_KEY_SHA256_HEX:$hex" ]
  run ssh_fingerprint_hex "$fp="
  assert_success
  assert_output "$hex"
}

@test "ssh_fingerprint_hex: anything but SHA256:<43 base64> fails (exit 1, nothing printed)" {
  local bad
  for bad in "" unknown "MD5:aa:bb" "SHA256:" "SHA256:abc" "SHA256:$(printf 'A%.0s' {1..44})" \
    "SHA256:$(printf 'A%.0s' {1..42})!" "sha256:$(printf 'A%.0s' {1..43})"; do
    run ssh_fingerprint_hex "$bad"
    assert_failure 1
    assert_output ''
  done
}

@test "res_hidden: 0 for text the redactor hides, 1 for text it keeps, at the limit given" {
  local b64="oZ7ZpSP2ZAPc/pVoN0X/WCGxSF6ptdj2e1lCLDozJN8" \
    hex="8d5bd506352d7003ec5f183e10eca2a750ef9a6bc5b988a16fd4cda24878fbe4"
  [[ "$(redacted "$b64")" == *REDACTED* ]]
  run res_hidden "SHA256:$b64"
  assert_success
  [ "$(redacted "$hex")" = "$hex" ]
  run res_hidden "$hex"
  assert_failure 1
  run res_hidden "short+Ab9/Zq"
  assert_failure 1
  run res_hidden "SHA256:$b64" 9
  assert_failure 1
}
