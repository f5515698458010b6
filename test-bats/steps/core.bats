#!/usr/bin/env bats
# shellcheck disable=SC2016 # in_step, validated and chk take bash code as a string: its $ expand in the step's shell
# lib-sh/core.sh and lib-sh/journal.sh: failing, traps, source locations, rollback journal.

setup() {
  load 'steps'
  steps_init
}

@test "linus_srcloc maps a bundle line through _LINUS_LINEMAP" {
  _LINUS_LINEMAP=(1 'bundle' 1 10 'steps/main.sh' 1 40 'lib-sh/core.sh' 5)
  run linus_srcloc 45
  assert_output "lib-sh/core.sh:10"
  run linus_srcloc 12
  assert_output "steps/main.sh:3"
  unset _LINUS_LINEMAP
  run linus_srcloc 7 steps/x.sh
  assert_output "steps/x.sh:7"
}

@test "an unexpected failing command: exit 5 with step and file:line" {
  run in_step 'log_step image "x"; false'
  [ "$status" -eq 5 ]
  assert_line "LINUS_ERROR_STEP:image"
  assert_line --regexp '^LINUS_ERROR:unexpected failure \(exit 1\) in step image at .+:[0-9]+: false$'
}

@test "linus_fail inside a command substitution keeps its own code and message" {
  run in_step 'x="$(linus_fail 4 "inner problem" "fix it")"; echo "$x"'
  [ "$status" -eq 4 ]
  assert_line "LINUS_ERROR:inner problem"
  assert_line "LINUS_REMEDIATION:fix it"
}

@test "a signal: cleanup, then exit 130" {
  run in_step 'rb_add file "$BATS_TEST_TMPDIR/f"; touch "$BATS_TEST_TMPDIR/f"; kill -TERM $BASHPID; sleep 5'
  [ "$status" -eq 130 ]
  assert_line "LINUS_CLEANUP:destroyed"
  [ ! -e "$BATS_TEST_TMPDIR/f" ]
}

@test "journal: undo in reverse order; temp files always removed; commit keeps created files" {
  local prog='touch "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/t"; rb_add file "$BATS_TEST_TMPDIR/a"; '
  prog+='rb_add tmp "$BATS_TEST_TMPDIR/t"; rb_commit; rb_cleanup_tmp; ls "$BATS_TEST_TMPDIR"'
  run in_step "$prog"
  [ "$status" -eq 0 ]
  assert_line a
  refute_line t
  qm create 300 --name j1 --tags linus >/dev/null
  run in_step 'rb_add vm 300; rb_add file "$BATS_TEST_TMPDIR/a"; linus_fail 5 boom'
  [ "$status" -eq 5 ]
  assert_line "LINUS_CLEANUP:destroyed"
  assert_line "LINUS_VM_ID:" || true
  [ ! -e "$BATS_TEST_TMPDIR/a" ]
  assert_call '^qm destroy 300 --purge 1 --destroy-unreferenced-disks 1$'
}

@test "journal: an interrupted create is undone only when the VM is ours (name + tag linus)" {
  qm create 301 --name other >/dev/null
  qm create 302 --name mine --tags linus >/dev/null
  run in_step 'rb_add vmnew 301:mine; rb_add vmnew 302:mine; linus_fail 5 boom'
  [ "$status" -eq 5 ]
  refute_call '^qm destroy 301'
  assert_call '^qm destroy 302 '
}

@test "--keep-on-failure: nothing undone, CLEANUP kept" {
  qm create 303 --name k --tags linus >/dev/null
  IN_STEP_ARGS="--keep-on-failure" run in_step 'rb_add vm 303; linus_fail 6 slow'
  [ "$status" -eq 6 ]
  assert_line "LINUS_CLEANUP:kept"
  refute_call '^qm destroy'
}
