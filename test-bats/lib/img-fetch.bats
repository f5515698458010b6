#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# shellcheck disable=SC2154 # stderr is set by bats' run
: "${stderr=}"
# lib-sh/img-fetch.sh: downloads without progress meters; curl/wget say something only on failure.

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
  lib_source img-fetch
  export LINUS_RUN_DIR="$BATS_TEST_TMPDIR/run"
  mkdir -p "$LINUS_RUN_DIR"
}

URL=https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img

# cap CMD...: run CMD in this shell; RC, OUT and ERR (exact).
cap() {
  RC=0
  "$@" >"$BATS_TEST_TMPDIR/o" 2>"$BATS_TEST_TMPDIR/e" || RC=$?
  OUT="$(<"$BATS_TEST_TMPDIR/o")" ERR="$(<"$BATS_TEST_TMPDIR/e")"
}

# no_curl: PATH without any curl (the fake wget and the system tools img_fetch needs stay).
no_curl() {
  local d="$BATS_TEST_TMPDIR/nocurl" t
  mkdir -p "$d"
  ln -sf "$SIM_BIN/wget" "$d/wget"
  for t in bash env dirname readlink node mktemp rm cat sed grep perl flock; do
    ln -sf "$(command -v "$t")" "$d/$t"
  done
  PATH="$d"
}

@test "curl: -sS (no progress meter), nothing printed on success" {
  cap img_fetch "$URL" "$BATS_TEST_TMPDIR/img"
  assert_equal "$RC" 0
  assert_equal "$OUT" ""
  assert_equal "$ERR" ""
  [ -s "$BATS_TEST_TMPDIR/img" ]
  assert_call "^curl -fsSL .* -o $BATS_TEST_TMPDIR/img $URL\$"
  [ -z "$(ls -A "$LINUS_RUN_DIR")" ]
}

@test "curl failure: its error is shown indented, exit code kept, no meter" {
  pvesim download 'noble-server' fail --http 404
  cap img_fetch "$URL" "$BATS_TEST_TMPDIR/img"
  assert_equal "$RC" 22
  assert_equal "$OUT" ""
  assert_equal "$ERR" "    curl: (22) The requested URL returned error: 404"
  [ -z "$(ls -A "$LINUS_RUN_DIR")" ]
}

@test "the fake curl prints a meter without -s and honours --no-progress-meter (curl >= 7.67)" {
  run --separate-stderr curl -fL -o "$BATS_TEST_TMPDIR/a" "$URL"
  assert_success
  [[ "$stderr" == *"% Total"* ]]
  run --separate-stderr curl -fL --no-progress-meter -o "$BATS_TEST_TMPDIR/a" "$URL"
  assert_success
  assert_equal "$stderr" ""
}

@test "wget when there is no curl: --no-verbose, its success line is not shown" {
  no_curl
  cap img_fetch "$URL" "$BATS_TEST_TMPDIR/img"
  assert_equal "$RC" 0
  assert_equal "$ERR" ""
  [ -s "$BATS_TEST_TMPDIR/img" ]
  PATH="$SIM_BIN:/usr/bin:/bin"
  assert_call "^wget --no-verbose --tries=3 --timeout=30 -O $BATS_TEST_TMPDIR/img $URL\$"
}

@test "wget failure: its error lines are shown indented, exit 8" {
  pvesim download 'noble-server' fail --http 404
  no_curl
  cap img_fetch "$URL" "$BATS_TEST_TMPDIR/img"
  assert_equal "$RC" 8
  [[ "$ERR" == "    $URL:"$'\n'"    "*" ERROR 404: Not Found." ]]
}

@test "wget failure of a signed URL: the query is not shown" {
  local signed="$URL?X-Amz-Signature=deadbeef"
  pvesim download 'noble-server' fail --http 403
  no_curl
  cap img_fetch "$signed" "$BATS_TEST_TMPDIR/img"
  assert_equal "$RC" 8
  [[ "$ERR" == *"ERROR 403"* ]]
  [[ "$ERR" != *deadbeef* ]]
}

@test "the fake wget: the default output has a dot meter, -nv one line, -q nothing" {
  run --separate-stderr wget -O "$BATS_TEST_TMPDIR/a" "$URL"
  assert_success
  [[ "$stderr" == *"0K .........."* && "$stderr" == *"saved ["* ]]
  run --separate-stderr wget -nv -O "$BATS_TEST_TMPDIR/a" "$URL"
  assert_success
  [[ "$stderr" =~ ^[0-9-]+\ [0-9:]+\ URL:"$URL"\ \[[0-9]+/[0-9]+\]\ -\>\ \""$BATS_TEST_TMPDIR/a"\"\ \[1\]$ ]]
  run --separate-stderr wget -q -O "$BATS_TEST_TMPDIR/a" "$URL"
  assert_success
  assert_equal "$stderr" ""
}
