#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# provision --detach and wait JOB on the simulator: the job runs in the background, wait gives
# RUNNING with the step, then exactly the provision's final lines and its exit code.

setup() {
  load '../bundle/bundle'
  sim_setup
}

# job_id: the LINUS_JOB of the last run.
job_id() { proto JOB; }

# detach ARGS...: provision ARGS --detach; must answer STARTED; the job id in JOB.
detach() {
  run_bundle "$@" --detach
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    return 1
  }
  [ "$(proto RESULT)" = STARTED ]
  JOB="$(job_id)"
}

@test "detach: STARTED and LINUS_JOB within 2 s; wait gives the provision's SUCCESS lines" {
  local t0=$SECONDS
  run_bundle --name web2 --detach
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ $((SECONDS - t0)) -le 2 ]
  assert_protocol
  [ "$(proto RESULT)" = STARTED ]
  local id
  id="$(job_id)"
  [[ "$id" =~ ^[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9]{8}$ ]]
  [ "$(stat -c %a "$LINUS_STATE_DIR/jobs")" = 700 ]
  [ "$(stat -c %a "$LINUS_STATE_DIR/jobs/$id")" = 700 ]
  run_bundle wait "$id" --timeout 60
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  assert_protocol
  mapfile -t lines <<<"$output"
  [ "${lines[0]}" = "LINUS_RESULT:SUCCESS" ]
  [ "$(proto VM_NAME)" = web2 ]
  [ "$(proto SSH_CHECK)" = login ]
  # exactly what the job printed
  [ "$output" = "$(cat "$LINUS_STATE_DIR/jobs/$id/out")" ]
  [ "$(vm_field 100 status)" = running ]
}

@test "wait: RUNNING with the current step while the job runs, then the final lines" {
  pvesim timing --boot 3 >/dev/null
  detach --name slow
  local id="$JOB"
  run_bundle wait "$id" --timeout 1
  [ "$status" -eq 0 ]
  assert_protocol
  [ "$(proto RESULT)" = RUNNING ]
  [ "$(proto JOB)" = "$id" ]
  [[ "$(proto STEP)" =~ ^[a-z_-]+$ ]]
  run_bundle wait "$id" --timeout 120
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ "$(proto RESULT)" = SUCCESS ]
  [ "$(proto VM_NAME)" = slow ]
}

@test "detach: a failing job's wait gives its FAILURE lines and exit code" {
  pvesim guest add 300 --name taken --tags linus >/dev/null
  detach --name taken
  run_bundle wait "$JOB" --timeout 60
  [ "$status" -eq 7 ]
  assert_protocol
  [ "$(proto RESULT)" = FAILURE ]
  [ "$(proto ERROR_CODE)" = 7 ]
}

@test "detach: a bad option fails at once (exit 1), no job, no mutating call" {
  run_bundle --name bad_name --detach
  [ "$status" -eq 1 ]
  assert_protocol
  [ "$(proto RESULT)" = FAILURE ]
  [ "$(proto ERROR_STEP)" = options ]
  [ -z "$(ls -A "$LINUS_STATE_DIR/jobs" 2>/dev/null)" ]
  assert_no_mutating_calls
}

@test "detach: the environment's VM_ID reaches the job" {
  VM_ID=321 detach --name envid
  run_bundle wait "$JOB" --timeout 60
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ "$(proto VM_ID)" = 321 ]
}

@test "wait: a malformed job id is refused (exit 1), never used as a path" {
  local bad
  for bad in ../../etc 'x/../../y' '' 20260101T120000Z-AbCd123 "20260101T120000Z-AbCd1234/.."; do
    run_bundle wait "$bad"
    [ "$status" -ne 0 ]
    assert_protocol
    [ "$(proto RESULT)" = FAILURE ]
  done
  run_bundle wait ../../etc
  [ "$status" -eq 1 ]
  [[ "$(proto ERROR)" == *"not a job id"* ]]
  run_bundle wait
  [ "$status" -eq 3 ]
}

@test "wait: an unknown job id is exit 1" {
  run_bundle wait 20260101T120000Z-AbCd1234
  [ "$status" -eq 1 ]
  [[ "$(proto ERROR)" == *"no job 20260101T120000Z-AbCd1234"* ]]
}

@test "wait: a job whose process died without a result is a FAILURE" {
  local d="$LINUS_STATE_DIR/jobs/20260101T120000Z-AbCd1234"
  mkdir -p "$d"
  printf '%s\n' '==> [create] creating VM 100' >"$d/log"
  : >"$d/out"
  echo 999999 >"$d/pid"
  run_bundle wait 20260101T120000Z-AbCd1234 --timeout 5
  [ "$status" -eq 5 ]
  assert_protocol
  [[ "$(proto ERROR)" == *"ended without a result"*"last step: create"* ]]
}

@test "detach: the job survives a hangup of the session that started it" {
  pvesim timing --boot 2 >/dev/null
  # the starting session is a process group of its own that gets SIGHUP right after the answer
  # shellcheck disable=SC2016 # a bash -c program: its $1 is its own
  run --separate-stderr setsid bash -c 'bash "$1" --name hup --detach; kill -HUP 0' _ "$BUNDLE"
  local job
  job="$(job_id)"
  [ -n "$job" ]
  kill -HUP "$(cat "$LINUS_STATE_DIR/jobs/$job/pid")"
  run_bundle wait "$job" --timeout 60
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ "$(proto VM_NAME)" = hup ]
}

@test "--detach with another action is refused (exit 1)" {
  run_bundle list --detach
  [ "$status" -eq 1 ]
  [[ "$(proto ERROR)" == *"--detach works only with provision"* ]]
}

@test "wait --timeout 0 looks once; finished jobs older than 30 days are pruned at the next start" {
  local old="$LINUS_STATE_DIR/jobs/20200101T000000Z-Old00000"
  mkdir -p "$old"
  echo 0 >"$old/rc"
  touch -d '40 days ago' "$old/rc"
  detach --name quick
  [ ! -e "$old" ]
  run_bundle wait "$JOB" --timeout 0
  [ "$status" -eq 0 ]
  [[ "$(proto RESULT)" =~ ^(RUNNING|SUCCESS)$ ]]
}
