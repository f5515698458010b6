#!/usr/bin/env bats
# shellcheck disable=SC2016 # create takes bash code as a string: its $ expand in the step's shell
# steps/create.sh after a failed qm create: a VM left with lock: create by OUR killed create is
# removed; a VM that is not ours (the id was taken: "already exists"; another name; a create
# still running on it) is never touched.

setup() {
  load 'steps'
  steps_init
}

create() { run in_step "$(validated "step_image >/dev/null 2>&1; $1")"; }

# untouched ID NAME: VM ID still exists, named NAME (when given), still locked (create).
untouched() {
  run qm config "$1"
  [ "$status" -eq 0 ]
  assert_line "lock: create"
  [[ -z "${2:-}" ]] || assert_line "name: $2"
  refute_call "^qm (unlock|destroy) $1( |$)"
}

@test "our create killed part-way: exit 5, VM unlocked and destroyed, volumes gone, CLEANUP_REMOVED" {
  pvesim fault qm '^create 100 ' --kill
  create step_create
  [ "$status" -eq 5 ] || {
    echo "$output"
    false
  }
  assert_line --partial "LINUS_ERROR:qm create of VM 100 died part-way (no error text, exit 137)"
  assert_line "LINUS_CLEANUP:destroyed"
  assert_line --regexp \
    '^LINUS_CLEANUP_REMOVED:VM 100 \(lock: create\), volume local-lvm:vm-100-(disk-0|cloudinit), volume '
  assert_call '^qm unlock 100$'
  assert_call '^qm destroy 100 --purge 1 --destroy-unreferenced-disks 1$'
  run qm config 100
  [ "$status" -ne 0 ]
  [ -z "$(pvesm list local-lvm --vmid 100 | tail -n +2)" ]
}

@test "volumes a destroy left are freed with pvesm free, a config it left is destroyed again" {
  pvesim fault qm '^create 100 ' --kill
  # the first destroy exits 0 and does nothing: the volumes stay, then the config is checked
  pvesim fault qm '^destroy 100 ' --count 1 --exit 0 --error ''
  create step_create
  [ "$status" -eq 5 ] || {
    echo "$output"
    false
  }
  assert_line "LINUS_CLEANUP:destroyed"
  assert_call '^pvesm free local-lvm:vm-100-disk-0$'
  assert_call '^qm destroy 100 --purge 1$'
  [ -z "$(pvesm list local-lvm --vmid 100 | tail -n +2)" ]
  run qm config 100
  [ "$status" -ne 0 ]
}

@test "--vmid taken by another VM (already exists), itself mid-create: exit 7, that VM untouched" {
  pvesim fault qm '^create 556 ' --error "unable to create VM 556 - VM 556 already exists on node 'pve'" --exit 255
  IN_STEP_ARGS="--vmid 556" create 'pvesim guest add 556 --name other --lock create >/dev/null; step_create'
  [ "$status" -eq 7 ] || {
    echo "$output"
    false
  }
  assert_line "LINUS_CLEANUP:none"
  untouched 556 other
}

@test "lost race to a VM mid-create (already exists): the next id is taken, that VM untouched" {
  pvesim fault qm '^create 100 ' --count 1 \
    --error "unable to create VM 100 - VM 100 already exists on node 'pve'" --exit 255
  create 'pvesim guest add 100 --name other --lock create >/dev/null; step_create; echo "id=${VM[id]}"'
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  assert_line "id=101"
  untouched 100 other
}

@test "create failed otherwise, but the lock: create VM there has another name: not ours, untouched" {
  pvesim fault qm '^create 100 ' --error "storage 'local-lvm' does not support vm images" --exit 255
  IN_STEP_ARGS="--vmid 100" create 'pvesim guest add 100 --name other --lock create >/dev/null; step_create'
  [ "$status" -eq 5 ]
  assert_line "LINUS_CLEANUP:none"
  untouched 100 other
}

@test "a create still running on the id (its config flock is held): not ours, untouched" {
  local d="$BATS_TEST_TMPDIR/qmlock" fd
  mkdir -p "$d"
  pvesim fault qm '^create 100 ' --kill
  exec {fd}>"$d/lock-100.conf"
  flock "$fd"
  LINUS_QM_LOCK_DIR="$d" create step_create
  exec {fd}>&-
  [ "$status" -eq 5 ] || {
    echo "$output"
    false
  }
  assert_line "LINUS_CLEANUP:none"
  assert_output --partial "a create is running on it: not ours to remove"
  untouched 100
}
