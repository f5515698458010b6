# shellcheck shell=bash
# shellcheck disable=SC2034 # REL_PID, status, output and stderr are read by the tests
# Shared by signals.bats and concurrency.bats: runs of the bundle in the background.
load 'reliability'

# --- background runs (signals, concurrency) ------------------------------------------------

# rel_spawn TAG ARGS...: start the bundle in its own process group with default signal
# dispositions (a background job of a script ignores SIGINT otherwise); REL_PID is its pid (and
# process group id); stdout/stderr/exit code go to $BATS_TEST_TMPDIR/TAG.{out,err,rc}.
rel_spawn() {
  local tag="$1"
  shift
  local d="$BATS_TEST_TMPDIR/$tag"
  rm -f "$d.out" "$d.err" "$d.rc"
  perl -e 'setpgrp(0, 0); $SIG{$_} = "DEFAULT" for qw(INT QUIT TERM HUP); exec @ARGV or die "exec: $!"' \
    bash "$BUNDLE" "$@" >"$d.out" 2>"$d.err" 3>&- </dev/null &
  REL_PID=$!
}

# rel_reap TAG PID: wait for the run, then $status, $output and $stderr as after `run`.
rel_reap() {
  local d="$BATS_TEST_TMPDIR/$1" rc=0
  wait "$2" || rc=$?
  status="$rc"
  output="$(cat "$d.out")"
  stderr="$(cat "$d.err")"
}

# rel_wait_for TAG REGEX [SECONDS]: wait until the run's stderr matches REGEX.
rel_wait_for() {
  local d="$BATS_TEST_TMPDIR/$1" i=0 lim=$((${3:-20} * 20))
  until grep -Eq -- "$2" "$d.err" 2>/dev/null; do
    ((i++ < lim)) || {
      echo "  timed out waiting for /$2/ in $1's stderr" >&2
      return 1
    }
    sleep 0.05
  done
}

# rel_shim_slow_destroy SECONDS: a qm first on PATH that sleeps before `qm destroy` (so a
# second signal can arrive during the rollback), then runs the simulator's qm.
rel_shim_slow_destroy() {
  local dir="$BATS_TEST_TMPDIR/shim"
  mkdir -p "$dir"
  # shellcheck disable=SC2016 # the $1 and $@ belong to the shim
  printf '#!/usr/bin/env bash\nif [[ "$1" == destroy ]]; then echo destroy-begins >&2; sleep %s; fi\nexec %q "$@"\n' \
    "$1" "$SIM_BIN/qm" >"$dir/qm"
  chmod +x "$dir/qm"
  export PATH="$dir:$PATH"
}
