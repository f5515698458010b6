#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# No secret on any output: the generated password (--password) and a private key pasted where a
# public key belongs appear on no stdout, stderr, job file, state file or simulator call log; the
# password file's path is reported instead.

setup() {
  load 'reliability'
  rel_setup
  ssh-keygen -q -t ed25519 -N '' -C leak -f "$BATS_TEST_TMPDIR/leak"
  PRIV="$(cat "$BATS_TEST_TMPDIR/leak")"
  # a line of the key's base64 body: what a leak would show even if the armour lines were cut
  PRIV_BODY="$(sed -n 2p "$BATS_TEST_TMPDIR/leak")"
}

# nowhere TEXT: TEXT is in no stdout/stderr of the last run, no file of the state dir (password
# files aside, and job dirs included), and not in the simulator call log.
nowhere() {
  local f bad=0
  ! has_text "$output$stderr" "$1" || {
    echo "  on stdout/stderr" >&2
    bad=1
  }
  ! grep -qF -- "$1" "$PVESIM_DIR/calls.jsonl" || {
    echo "  in the simulator call log" >&2
    bad=1
  }
  while IFS= read -r -d '' f; do
    [[ "$f" == */passwords/* ]] && continue
    ! grep -qF -- "$1" "$f" || {
      echo "  in $f" >&2
      bad=1
    }
  done < <(find "$LINUS_STATE_DIR" "$TMPDIR" -type f -print0 2>/dev/null)
  return "$bad"
}

@test "--password: the password is only in its root-only file; the path is reported" {
  local pwfile pw
  rel_fresh
  rel_case "provision --password"
  run_bundle --name sec1 --password
  chk is_eq "$status" 0
  pwfile="$(proto VM_PASSWORD_FILE || true)"
  chk test -f "$pwfile"
  pw="$(cat "$pwfile" 2>/dev/null || true)"
  chk test "${#pw}" -ge 16
  chk is_eq "$(stat -c %a "$pwfile")" 600
  chk nowhere "$pw"
  # PVE stores a hash, and got one: the clear text was never on a command line
  # shellcheck disable=SC2016 # '$6$' is the literal prefix of a SHA-512 crypt hash
  chk has_text "$(vm_conf "$(proto VM_ID)" cipassword)" '$6$'
  rel_case_end

  rel_fresh
  rel_case "provision --password --detach, then wait"
  run_bundle --name sec2 --password --detach
  chk is_eq "$status" 0
  local job
  job="$(proto JOB || true)"
  run --separate-stderr bash "$BUNDLE" wait "$job" --timeout 60
  chk is_eq "$(proto RESULT)" SUCCESS
  pw="$(cat "$(proto VM_PASSWORD_FILE || echo /nonexistent)" 2>/dev/null || true)"
  chk test -n "$pw"
  chk nowhere "$pw"
  rel_case_end

  rel_fresh
  rel_case "--password with a failure after it was set: file removed, never printed"
  pvesim start-error 'start failed' >/dev/null
  run_bundle --name sec3 --password
  chk failure_lines_ok 5 destroyed
  chk test -z "$(find "$LINUS_STATE_DIR" -path '*passwords/*' -type f)"
  rel_case_end
  rel_done secret "no password on any output (path reported), also with --detach and after a failure"
}

@test "a private key pasted as a public key: refused (exit 1) without echoing it" {
  local how
  for how in flag env file detach; do
    rel_fresh
    rel_case "private key via $how"
    : >"$PVESIM_DIR/calls.jsonl"
    case "$how" in
      flag) run_bundle --name sec4 --ssh-key "$PRIV" ;;
      env) SSH_PUBLIC_KEY="$PRIV" run_bundle --name sec4 ;;
      file) run_bundle --name sec4 --ssh-key-file "$BATS_TEST_TMPDIR/leak" ;;
      detach) run_bundle --name sec4 --detach --ssh-key "$PRIV" ;;
    esac
    chk failure_lines_ok 1 none
    chk has_text "$(proto ERROR)" "PRIVATE key"
    chk nowhere "$PRIV_BODY"
    chk no_private_key_text
    chk is_eq "$(mutating_count)" 0
    rel_case_end
  done
  rel_done secret \
    "a private key given as --ssh-key, SSH_PUBLIC_KEY, --ssh-key-file or with --detach: refused, never echoed"
}
