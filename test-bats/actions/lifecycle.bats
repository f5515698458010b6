#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# The day-2 actions: start, stop, reboot, snapshot, rollback, snapshots; cluster-wide, only on
# VMs with the tag linus, every refusal before any change.

setup() {
  load 'actions'
  sim_setup --nodes 3
}

ok_run() {
  run_bundle "$@"
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  assert_protocol
  [ "$(proto RESULT)" = SUCCESS ]
}

@test "start: a stopped VM is started and checked; one that runs is left as it is" {
  guests "100 web1 pve linus stopped" "101 web2 pve linus running"
  ok_run start 100
  [ "$(proto ACTION)" = start ]
  [ "$(proto VM_STATE)" = running ]
  [ "$(proto CHANGED)" = 1 ]
  [ "$(json_get "$(proto JSON)" changed)" = num:1 ]
  assert_call '^qm start 100$'
  [ "$(pvesim vm 100 | node -pe 'JSON.parse(require("fs").readFileSync(0)).status')" = running ]
  clear_calls
  ok_run start --name web2
  [ "$(proto VM_ID)" = 101 ]
  [ "$(proto CHANGED)" = 0 ]
  assert_no_mutating_calls
}

@test "the six actions refuse, with exit 1 and no change: no tag linus, a container, a template, no such VM" {
  guests "100 mine pve - running"
  pvesim guest add 200 --type lxc --name ct --tags linus --status running >/dev/null
  pvesim guest add 300 --name tpl --tags linus --template >/dev/null
  clear_calls
  local a
  for a in start stop reboot "snapshot 100 s1" "rollback 100 s1" snapshots; do
    read -r -a words <<<"$a"
    run_bundle "${words[0]}" 100 "${words[@]:2}"
    assert_failure_code 1
    [[ "$(proto ERROR)" == *"VM 100 (mine) on node pve has no tag 'linus'"* ]]
  done
  run_bundle stop 200
  assert_failure_code 1
  [[ "$(proto ERROR)" == *"is a container"* ]]
  run_bundle snapshot 300 s1
  assert_failure_code 1
  [[ "$(proto ERROR)" == *"VM 300 is a template"* ]]
  run_bundle start 999
  assert_failure_code 1
  [ "$(proto ERROR)" = "no VM with id 999 in this cluster" ]
  run_bundle start
  assert_failure_code 3
  assert_no_mutating_calls
}

@test "stop: graceful within --timeout; a guest that does not shut down is forced off; stopped: none" {
  guests "100 web1 pve linus running" "101 web2 pve linus running" "102 web3 pve linus stopped"
  ok_run stop 100
  [ "$(proto STOP_MODE)" = graceful ]
  [ "$(proto VM_STATE)" = stopped ]
  assert_call '^qm shutdown 100 --timeout 60$'
  refute_call '^qm stop '
  pvesim fault qm '^shutdown 101' --error 'VM quit/powerdown failed - got timeout' >/dev/null
  ok_run stop 101 --timeout 5
  [ "$(proto STOP_MODE)" = forced ]
  assert_call '^qm shutdown 101 --timeout 5$'
  assert_call '^qm stop 101$'
  [[ "$stderr" == *"did not shut down within 5s (VM quit/powerdown failed - got timeout): forcing it off"* ]]
  clear_calls
  ok_run stop 102
  [ "$(proto STOP_MODE)" = none ]
  assert_no_mutating_calls
}

@test "stop: a bad --timeout is refused before anything is asked; a forced stop that fails: exit 5" {
  guests "100 web1 pve linus running"
  run_bundle stop 100 --timeout 0x
  assert_failure_code 1
  [[ "$(proto ERROR)" == *"--timeout '0x'"* ]]
  [ "$(pvesim calls --count)" = 0 ]
  pvesim fault qm '^shutdown 100' --error 'got timeout' >/dev/null
  pvesim fault qm '^stop 100' --error 'VM is locked (backup)' >/dev/null
  run_bundle stop 100
  assert_failure_code 5
  [ "$(proto ERROR)" = "qm stop 100 failed: VM is locked (backup)" ]
}

@test "reboot: a running VM is rebooted and runs; a stopped one is refused (exit 1, nothing changed)" {
  guests "100 web1 pve linus running" "101 web2 pve linus stopped"
  ok_run reboot 100
  [ "$(proto VM_STATE)" = running ]
  assert_call '^qm reboot 100$'
  clear_calls
  run_bundle reboot 101
  assert_failure_code 1
  [ "$(proto ERROR)" = "VM 101 is stopped: there is nothing to reboot" ]
  [ "$(proto REMEDIATION)" = "start it: start 101" ]
  assert_no_mutating_calls
}

@test "snapshot: taken and counted; its name again: exit 7; --name with the word before or after" {
  guests "100 web1 pve linus running"
  ok_run snapshot 100 before_upgrade
  [ "$(proto SNAPSHOT)" = before_upgrade ]
  [ "$(proto SNAPSHOT_COUNT)" = 1 ]
  [ "$(proto VM_STATE)" = running ]
  assert_call '^qm snapshot 100 before_upgrade$'
  ok_run snapshot --name web1 second
  [ "$(proto SNAPSHOT_COUNT)" = 2 ]
  ok_run snapshot third --name web1
  [ "$(proto SNAPSHOT)" = third ]
  clear_calls
  run_bundle snapshot 100 second
  assert_failure_code 7
  [ "$(proto ERROR)" = "VM 100 has a snapshot named second already" ]
  assert_no_mutating_calls
}

@test "snapshot: bad or missing names are refused before any call; disks on LVM thick: exit 4" {
  guests "100 web1 pve linus running"
  local n
  for n in 1abc a current Pending "$(printf 'a%.0s' {1..41})" 'a-b'; do
    run_bundle snapshot 100 "$n"
    assert_failure_code 1
  done
  [[ "$(proto ERROR)" == *"not a snapshot name; expected 2 to 40 letters, digits or _"* ]]
  run_bundle snapshot 100
  assert_failure_code 3
  [ "$(pvesim calls --count)" = 0 ]
  pvesim storage add thick --type lvm >/dev/null
  pvesim guest add 101 --name old --tags linus --storage thick --status running >/dev/null
  clear_calls
  run_bundle snapshot 101 s1
  assert_failure_code 4
  [[ "$(proto ERROR)" == *"cannot take snapshots (snapshot feature is not available)"* ]]
  run_bundle snapshots 101
  [ "$(proto SNAPSHOT_COUNT)" = 0 ]
}

@test "snapshots: oldest first, one line each, the same in LINUS_JSON; read-only" {
  guests "100 web1 pve linus running"
  ok_run snapshot 100 one
  pvesim clock 60 >/dev/null
  ok_run snapshot 100 two
  clear_calls
  ok_run snapshots 100
  [ "$(proto SNAPSHOT_COUNT)" = 2 ]
  mapfile -t snaps < <(grep '^LINUS_SNAPSHOT:' <<<"$output")
  [ "${#snaps[@]}" = 2 ]
  [[ "${snaps[0]}" =~ ^LINUS_SNAPSHOT:name=one\ time=[0-9]+\ parent=-\ vmstate=0$ ]]
  [[ "${snaps[1]}" =~ ^LINUS_SNAPSHOT:name=two\ time=[0-9]+\ parent=one\ vmstate=0$ ]]
  node -e '
    const d = JSON.parse(process.argv[1]);
    const s = d.snapshots;
    if (d.snapshot_count !== 2 || s.length !== 2 || s[0].name !== "one" || s[1].parent !== "one") process.exit(1);
    if (typeof s[0].snaptime !== "number" || s[1].snaptime - s[0].snaptime < 60) process.exit(2);
  ' "$(proto JSON)"
  assert_no_mutating_calls
}

@test "rollback: a running VM runs again afterwards, a stopped one stays stopped; an unknown name: exit 1" {
  guests "100 web1 pve linus running" "101 web2 pve linus stopped"
  ok_run snapshot 100 s1
  ok_run snapshot 101 s1
  ok_run rollback 100 s1
  [ "$(proto VM_STATE)" = running ]
  [ "$(proto SNAPSHOT)" = s1 ]
  assert_call '^qm rollback 100 s1 --start 1$'
  ok_run rollback 101 s1
  [ "$(proto VM_STATE)" = stopped ]
  assert_call '^qm rollback 101 s1$'
  clear_calls
  run_bundle rollback 100 nope
  assert_failure_code 1
  [ "$(proto ERROR)" = "VM 100 has no snapshot named nope (it has: s1)" ]
  assert_no_mutating_calls
}

@test "on another node: every action goes through pvesh there; a snapshot task that failed is caught" {
  guests "110 far pve2 linus running"
  ok_run snapshot 110 s1
  assert_call '^pvesh create /nodes/pve2/qemu/110/snapshot --snapname s1'
  ok_run stop --name far
  assert_call '^pvesh create /nodes/pve2/qemu/110/status/shutdown --timeout 60'
  ok_run rollback 110 s1
  assert_call '^pvesh create /nodes/pve2/qemu/110/snapshot/s1/rollback'
  [ "$(proto VM_STATE)" = stopped ]
  ok_run start 110
  assert_call '^pvesh create /nodes/pve2/qemu/110/status/start'
  ok_run reboot 110
  assert_call '^pvesh create /nodes/pve2/qemu/110/status/reboot'
  refute_call '^qm '
  # pvesh runs the task and exits 0 although it failed: the snapshot list is the proof
  pvesim fault pvesh '^create /nodes/pve2/qemu/110/snapshot' --error 'snapshot create failed: timeout' \
    --exit 0 >/dev/null
  run_bundle snapshot 110 s2
  assert_failure_code 5
  [[ "$(proto ERROR)" == "VM 110 has no snapshot s2 after qm snapshot"* ]]
}

@test "--dry-run: the command is shown, nothing changes, LINUS_RESULT:DRY_RUN" {
  guests "100 web1 pve linus stopped"
  run_bundle start 100 --dry-run
  [ "$status" -eq 0 ]
  [ "$(proto RESULT)" = DRY_RUN ]
  [[ "$stderr" == *"qm start 100"* ]]
  run_bundle snapshot 100 s1 --dry-run
  [ "$(proto RESULT)" = DRY_RUN ]
  assert_no_mutating_calls
}
