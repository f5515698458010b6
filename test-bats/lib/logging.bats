#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# lib-sh/logging.sh: everything on stderr, exact prefixes, no line starting with LINUS_.

setup() {
  load '../helpers/common'
  lib_source logging
  unset NO_COLOR LINUS_LOG_COLOR
}

# cap CMD...: run CMD (in this shell); OUT = its stdout, ERR = its stderr (exact, leading
# spaces kept; bats` cap trims them), ERR_LINES = ERR split on newlines.
cap() {
  local o="$BATS_TEST_TMPDIR/out" e="$BATS_TEST_TMPDIR/err"
  "$@" >"$o" 2>"$e"
  OUT="$(<"$o")" ERR="$(<"$e")"
  mapfile -t ERR_LINES <"$e"
}

@test "log_step sets LINUS_STEP and prints the step line on stderr only" {
  cap log_step validate "checking the host"
  assert_equal "$OUT" ""
  assert_equal "$ERR" "==> [validate] checking the host"
  log_step create "x" 2>/dev/null
  assert_equal "$LINUS_STEP" create
}

@test "log_info, log_ok, log_warn, log_error: exact prefixes, stderr only" {
  cap log_info "a note"
  assert_equal "$OUT" ""
  assert_equal "$ERR" "    a note"
  cap log_ok "done"
  assert_equal "$OUT" ""
  assert_equal "$ERR" "ok: done"
  cap log_warn "careful"
  assert_equal "$OUT" ""
  assert_equal "$ERR" "warning: careful"
  cap log_error "broken"
  assert_equal "$OUT" ""
  assert_equal "$ERR" "error: broken"
}

@test "several arguments are joined with spaces" {
  cap log_info a b "c d"
  assert_equal "$ERR" "    a b c d"
}

@test "multi-line messages: every line indented, none starts with LINUS_" {
  cap log_error $'first\nLINUS_RESULT:SUCCESS\r\nLINUS_JSON:{}\rlast'
  assert_equal "$OUT" ""
  assert_equal "${#ERR_LINES[@]}" 4
  assert_equal "${ERR_LINES[0]}" "error: first"
  assert_equal "${ERR_LINES[1]}" "       LINUS_RESULT:SUCCESS"
  assert_equal "${ERR_LINES[2]}" "       LINUS_JSON:{}"
  assert_equal "${ERR_LINES[3]}" "       last"
  cap log_step s $'x\nLINUS_X:1'
  assert_equal "${ERR_LINES[1]}" "        LINUS_X:1"
  for f in log_info log_ok log_warn log_error log_cmd; do
    cap "$f" $'LINUS_RESULT:SUCCESS\nLINUS_VM_ID:1'
    [[ ! "$ERR" =~ (^|$'\n')LINUS_ ]]
  done
}

@test "a message that is LINUS_ itself is still prefixed" {
  cap log_info "LINUS_RESULT:SUCCESS"
  assert_equal "$ERR" "    LINUS_RESULT:SUCCESS"
}

@test "empty message prints the bare prefix" {
  cap log_warn ""
  assert_equal "$ERR" "warning: "
}

@test "log_cmd prints the command as typed: bare words, single quotes only where needed" {
  local want
  # shellcheck disable=SC2016 # '$(id)' is a literal argument
  cap log_cmd qm create 105 --name "a b" --description $'x\ny' '$(id)' '; rm -rf /' ''
  assert_equal "$OUT" ""
  want="$(
    cat <<'EOF'
  $ qm create 105 --name 'a b' --description $'x\ny' '$(id)' '; rm -rf /' ''
EOF
  )"
  assert_equal "$ERR" "$want"
  cap log_cmd qm set 1 --net0 virtio,bridge=vmbr0,firewall=1 --tags 'linus;os-ubuntu-24.04' --ciuser "it's"
  want="$(
    cat <<'EOF'
  $ qm set 1 --net0 virtio,bridge=vmbr0,firewall=1 --tags 'linus;os-ubuntu-24.04' --ciuser 'it'\''s'
EOF
  )"
  assert_equal "$ERR" "$want"
}

@test "log_quote: each word is bare, single-quoted, or \$'...' only for control characters" {
  assert_equal "$(log_quote ubuntu-24.04)" "ubuntu-24.04"
  assert_equal "$(log_quote local-lvm:0,import-from=/var/x.img)" "local-lvm:0,import-from=/var/x.img"
  assert_equal "$(log_quote 'Ubuntu 24.04')" "'Ubuntu 24.04'"
  assert_equal "$(log_quote '')" "''"
  assert_equal "$(log_quote "it's")" "'it'\\''s'"
  # shellcheck disable=SC2088 # a literal tilde
  assert_equal "$(log_quote '~/x')" "'~/x'"
  assert_equal "$(log_quote '=x')" "'=x'"
  assert_equal "$(log_quote $'a\tb')" "\$'a\\tb'"
}

# record ARG...: the stub a pasted plan line runs; one argument per line, NUL-terminated.
record() { printf '%s\0' "$@" >"$BATS_TEST_TMPDIR/args"; }

@test "a printed command pasted into bash gives the stub exactly the same arguments" {
  local words=(create 105 --name 'web 1' --description "Ubuntu 24.04 \"LTS\" it's \$HOME \`id\` !x *"
    $'two\nlines' '' ' lead' 'trail ' '~root' 'a=~' '{a,b}' '[x]' '#x' 'back\slash' "'" '"' 'é ü'
    --tags 'linus;os-x' 'a|b&c>d<e' '-')
  cap log_cmd record "${words[@]}"
  local line="${ERR#  \$ }"
  [[ "$line" != *$'\n'* ]]
  rm -f "$BATS_TEST_TMPDIR/args"
  # the pasted line, run by a fresh bash that knows only the stub
  run bash -c "$(declare -f record); BATS_TEST_TMPDIR='$BATS_TEST_TMPDIR'; $line"
  assert_success
  local got=()
  mapfile -d '' -t got <"$BATS_TEST_TMPDIR/args"
  assert_equal "${#got[@]}" "${#words[@]}"
  local i
  for i in "${!words[@]}"; do assert_equal "${got[$i]}" "${words[$i]}"; done
}

@test "log_cmd never shows a password" {
  cap log_cmd qm set 105 --cipassword 's3cret!' --ciuser u
  assert_equal "$ERR" "  \$ qm set 105 --cipassword <redacted> --ciuser u"
  cap log_cmd tool --password=hunter2
  assert_equal "$ERR" "  \$ tool --password=<redacted>"
  [[ "$ERR" != *hunter2* ]]
}

@test "no colour when stderr is not a TTY" {
  cap log_error "x"
  [[ "$ERR" != *$'\e'* ]]
}

@test "colour when forced, never before a LINUS_ text, reset after the prefix" {
  LINUS_LOG_COLOR=1 cap log_ok "LINUS_X"
  assert_equal "$ERR" $'\e[1;32mok: \e[0mLINUS_X'
}

# on_tty ENV...: log_ok hi on a pseudo-terminal (script(1)), TERM=xterm, then env(1) arguments ENV.
on_tty() {
  command -v script >/dev/null || skip "script(1) not available"
  run script -qec "env -u NO_COLOR TERM=xterm env $* bash -c 'source $REPO_ROOT/lib-sh/logging.sh; log_ok hi'" /dev/null
}

@test "colour on a TTY; an empty NO_COLOR leaves it on (no-color.org)" {
  on_tty
  assert_output --partial $'\e[1;32mok: \e[0mhi'
  on_tty NO_COLOR=
  assert_output --partial $'\e[1;32mok: \e[0mhi'
}

@test "a non-empty NO_COLOR, TERM=dumb or no TERM turn colour off on a TTY" {
  on_tty NO_COLOR=1
  assert_output --partial 'ok: hi'
  refute_output --partial $'\e['
  on_tty NO_COLOR=0
  refute_output --partial $'\e['
  on_tty TERM=dumb
  assert_output --partial 'ok: hi'
  refute_output --partial $'\e['
  on_tty -u TERM
  assert_output --partial 'ok: hi'
  refute_output --partial $'\e['
}

@test "NO_COLOR empty or not: LINUS_LOG_COLOR=1/0 still force colour on and off" {
  NO_COLOR=1 LINUS_LOG_COLOR=1 cap log_ok x
  assert_equal "$ERR" $'\e[1;32mok: \e[0mx'
  NO_COLOR='' LINUS_LOG_COLOR=0 cap log_ok x
  assert_equal "$ERR" 'ok: x'
}

@test "log_progress without a TTY: first, every 10s, on text change and at the end" {
  progress() {
    local t
    for t in 0 2 9 10 12 21 25; do log_progress "waiting for IP" "$t" 30; done
    log_progress "waiting for SSH" 26 30
    log_progress "waiting for SSH" 30 30
  }
  cap progress
  assert_equal "$OUT" ""
  assert_equal "$ERR" "... waiting for IP 0s/30s
... waiting for IP 10s/30s
... waiting for IP 21s/30s
... waiting for SSH 26s/30s
... waiting for SSH 30s/30s"
}

@test "log_progress bad numbers count as 0 and the text stays on one line" {
  cap log_progress $'a\nLINUS_X' x y
  assert_equal "$ERR" "... a LINUS_X 0s/0s"
}

@test "log_progress on a TTY rewrites in place; the next log line starts on a new line" {
  both() {
    LINUS_LOG_COLOR=1 log_progress "wait" 1 5
    LINUS_LOG_COLOR=0 log_info "next"
  }
  cap both
  assert_equal "$ERR" $'\r\e[K... wait 1s/5s\n    next'
}

@test "sourcing twice is harmless and defines only functions" {
  run bash -c 'set -eu; source "$1"; source "$1"; compgen -v | grep -c "^LOG_\|^LINUS_" || true' _ \
    "$REPO_ROOT/lib-sh/logging.sh"
  assert_success
  assert_output 0
}
