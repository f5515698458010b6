#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# What an agent needs from a provision: the host key fingerprint as hex (ssh-mcp 2's redactor
# hides the base64 form), paths the redactor leaves whole, and a warning when nobody but the
# host's root can log in to the VM.

setup() {
  load 'bundle'
  load '../helpers/redactor'
  sim_setup
}

# ed25519_hex ID: the sha256 of the VM's ed25519 host key blob, computed here (not by the bundle).
ed25519_hex() { pvesim host-key "$1" | awk '{print $2}' | base64 -d | sha256sum | cut -d' ' -f1; }

# user_key: a public key of "the user" (not the host root's), its text on stdout.
user_key() {
  [[ -f "$BATS_TEST_TMPDIR/user" ]] || ssh-keygen -q -t ed25519 -N '' -C 'me@laptop' -f "$BATS_TEST_TMPDIR/user"
  cat "$BATS_TEST_TMPDIR/user.pub"
}

@test "LINUS_VM_HOST_KEY_SHA256_HEX: the VM's ed25519 host key as hex, beside the SHA256: form, in LINUS_JSON too" {
  run_bundle --name web1 --ssh-key "$(user_key)"
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  assert_protocol
  local hex fp
  hex="$(proto VM_HOST_KEY_SHA256_HEX)"
  [ "$hex" = "$(ed25519_hex 100)" ]
  fp="$(proto VM_HOST_KEY)"
  [ "$fp" = "$(pvesim host-key 100 | ssh-keygen -l -E sha256 -f - | awk '{print $2}')" ]
  # the hex line follows the SHA256: line
  mapfile -t lines <<<"$output"
  local i
  for i in "${!lines[@]}"; do [[ "${lines[i]}" == LINUS_VM_HOST_KEY:* ]] && break; done
  [ "${lines[i + 1]}" = "LINUS_VM_HOST_KEY_SHA256_HEX:$hex" ]
  [ "$(json_get "$(proto JSON)" vm_host_key_sha256_hex)" = "str:$hex" ]
  # through ssh-mcp 2's redactor: the hex line always stays (16 symbols: entropy at most 4 bits,
  # below its 4.5), a base64 one mostly does not (this key's may, by chance: 0.4 % of keys; so a
  # fixed one is shown)
  [ "$(redacted "LINUS_VM_HOST_KEY_SHA256_HEX:$hex")" = "LINUS_VM_HOST_KEY_SHA256_HEX:$hex" ]
  [[ "$(redacted "LINUS_VM_HOST_KEY:SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s")" == *REDACTED* ]]
  # the ssh command's paths name the real files and survive the redactor
  local cmd
  cmd="$(proto SSH_COMMAND)"
  [ "$(redacted "$cmd")" = "$cmd" ]
  [[ "$cmd" =~ ^ssh\ -i\ ([^ ]+)\ -o\ UserKnownHostsFile=([^ ]+)\ ubuntu@10\.233\.[0-9.]+$ ]]
  [ "$(readlink -f -- "${BASH_REMATCH[1]}")" = "$(readlink -f -- "$HOME/.ssh/id_ed25519")" ]
  [ "$(readlink -f -- "${BASH_REMATCH[2]}")" = "$(readlink -f -- "$LINUS_STATE_DIR/known_hosts/100")" ]
}

@test "--no-host-key: the hex comes from ssh-keyscan, the ed25519 key although the ecdsa key comes first" {
  run_bundle --name web1 --no-host-key --ssh-key "$(user_key)"
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  [ "$(proto SSH_CHECK)" = port ]
  [ "$(proto VM_HOST_KEY_SHA256_HEX)" = "$(ed25519_hex 100)" ]
  [ "$(proto VM_HOST_KEY)" = "$(pvesim host-key 100 | ssh-keygen -l -E sha256 -f - | awk '{print $2}')" ]
  [ -z "$(proto WARNING || true)" ]
}

@test "only the host root's key: LINUS_WARNING says so and how to add yours, in the JSON and on stderr" {
  run_bundle --name web1
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  assert_protocol
  local w
  w="$(proto WARNING)"
  # (the path may hold /./ so that ssh-mcp 2's redactor keeps it)
  [[ "${w//\/.\//\/}" == "the VM accepts only the SSH key of root on the Proxmox host ($HOME/.ssh/id_ed25519.pub)"* ]]
  [[ "$w" == *"--ssh-key 'ssh-ed25519 AAAA... you@laptop'"* && "$w" == *--ssh-key-file* &&
    "$w" == *"linus provision-cmd"* ]]
  [ "$(json_get "$(proto JSON)" warning)" = "str:$w" ]
  grep -qxF "warning: $w" <<<"$stderr"
  [ "$(redacted "LINUS_WARNING:$w")" = "LINUS_WARNING:$w" ]
  [ "$(proto RESULT)" = SUCCESS ]
  # the warning comes after the host key lines, before the elapsed time
  mapfile -t lines <<<"$output"
  [[ "${lines[-2]}" == LINUS_ELAPSED_SECONDS:* && "${lines[-3]}" == "LINUS_WARNING:$w" ]]
}

@test "only the host root's key, given again as --ssh-key (other comment): still the warning" {
  run_bundle --name web1 --ssh-key "$(awk '{print $1, $2, "someone@else"}' "$HOME/.ssh/id_ed25519.pub")" --dry-run
  [ "$status" -eq 0 ]
  [ "$(proto RESULT)" = DRY_RUN ]
  [[ "$(proto WARNING)" == "the VM accepts only the SSH key of root"* ]]
  [ "$(json_get "$(proto JSON)" warning)" = "str:$(proto WARNING)" ]
}

@test "a key of the user (--ssh-key, --ssh-key-file, with the root's key too): no warning" {
  run_bundle --name web1 --ssh-key "$(user_key)"
  [ "$status" -eq 0 ]
  [ -z "$(proto WARNING || true)" ]
  [[ "$stderr" != *"accepts only the SSH key"* ]]
  [[ "$(json_keys "$(proto JSON)")" != *warning* ]]
  # both keys are in the VM
  local keys
  keys="$(vm_conf 100 sshkeys)"
  [[ "$keys" == *"$(awk '{print $2}' "$BATS_TEST_TMPDIR/user.pub" | sed 's|+|%2B|g; s|/|%2F|g; s|=|%3D|g')"* ]]
  user_key >/dev/null
  printf '%s\n%s\n' "$(cat "$HOME/.ssh/id_ed25519.pub")" "$(user_key)" >"$BATS_TEST_TMPDIR/keys"
  run_bundle --name web2 --ssh-key-file "$BATS_TEST_TMPDIR/keys" --dry-run
  [ "$status" -eq 0 ]
  [ -z "$(proto WARNING || true)" ]
}

@test "--password does not change the warning, and the password itself never appears" {
  run_bundle --name web1 --password
  [ "$status" -eq 0 ]
  [[ "$(proto WARNING)" == "the VM accepts only the SSH key of root"* ]]
  local f pw
  f="$(proto VM_PASSWORD_FILE)"
  [ "$(redacted "$f")" = "$f" ]
  pw="$(<"$f")"
  [[ "$output$stderr" != *"$pw"* ]]
  # were it ever printed, ssh-mcp 2 would hide it (32 random letters and digits, drawn until they would be)
  [ "$(redacted "LINUS_X:$pw")" = "LINUS_X:[REDACTED:entropy:32]" ]
}

@test "--detach: LINUS_JOB and LINUS_JOB_LOG survive the redactor; the log path names the job's log" {
  run_bundle provision --name web1 --detach --ssh-key "$(user_key)"
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  local id log
  id="$(proto JOB)"
  log="$(proto JOB_LOG)"
  [ "$(redacted "$output")" = "$output" ]
  [ "$(readlink -f -- "$log")" = "$(readlink -f -- "$LINUS_STATE_DIR/jobs/$id/log")" ]
  run_bundle wait "$id" --timeout 120
  [ "$status" -eq 0 ]
  [ "$(proto RESULT)" = SUCCESS ]
  [ -s "$log" ]
}
