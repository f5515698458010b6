#!/usr/bin/env bats
# Rollback: faults the happy path's call list cannot show (failures that exit 0, the agent, SSH,
# the rollback itself failing).

setup() {
  load 'reliability'
  rel_setup
  export LINUS_POLL_INTERVAL=0.25 # fewer polls in the 1 s timeouts below
}

# scenario NAME EXPECT_CODE EXPECT_CLEANUP SETUP-FUNCTION ARGS...: one extra fault case.
scenario() {
  local name="$1" code="$2" cleanup="$3" fn="$4"
  shift 4
  rel_fresh
  rel_case "$name"
  "$fn"
  run_bundle "$@"
  chk failure_lines_ok "$code" "$cleanup"
  chk no_private_key_text
}

f_start_exit0() { pvesim fault qm '^start ' --exit 0 --error 'WARN: start failed: QEMU exited with code 1'; }
f_resize_noop() { pvesim fault qm '^resize ' --exit 0 --error 'Could not resize: storage full'; }
f_start_error() { pvesim start-error 'kvm: -drive file=/dev/pve/vm-100-disk-0: Could not open: Permission denied'; }
f_no_ip() {
  pvesim fault qm '^guest cmd' --count 0
  pvesim fault ip 'neigh' --count 0
}
f_no_ssh() { pvesim fault ssh-keyscan '.' --count 0; }
f_login_fails() { pvesim fault ssh '.' --count 0; }
f_destroy_fails() {
  pvesim start-error 'start failed'
  pvesim fault qm '^destroy ' --count 0 --error 'storage is locked'
}
f_stop_fails() {
  pvesim start-error 'start failed'
  pvesim fault qm '^stop ' --count 0
}
f_nextid_fails() { pvesim fault pvesh '/cluster/nextid' --count 0; }
f_create_race() {
  pvesim fault qm '^create ' --count 0 --error 'unable to create VM 100 - VM 100 already exists on node '"'pve2'"
}

@test "faults outside the happy path's call list: start/resize exit 0, start error" {
  scenario "qm start exits 0 but the VM does not run" 5 destroyed f_start_exit0 --name s1
  chk is_eq "$(proto ERROR_STEP)" start
  chk no_vm_left
  rel_case_end

  scenario "qm resize exits 0 but the disk did not grow (PVE 8)" 5 destroyed f_resize_noop --name s2 --disk 40
  chk has_text "$(proto ERROR)" "after resizing to 40G"
  chk no_vm_left
  rel_case_end

  scenario "qm start fails (start error text passed through)" 5 destroyed f_start_error --name s3
  chk has_text "$(proto ERROR)" "Could not open: Permission denied"
  chk no_vm_left
  rel_case_end

  rel_done fault-extra "faults outside the happy path: failures that exit 0, start errors"
}

@test "faults outside the happy path's call list: no IP, no SSH, login fails" {
  scenario "no IP: agent and neighbour table never answer" 6 destroyed f_no_ip --name s4 --network-timeout 1
  chk is_eq "$(proto ERROR_STEP)" network
  chk no_vm_left
  rel_case_end

  scenario "SSH server never answers" 6 destroyed f_no_ssh --name s5 --ssh-timeout 1
  chk is_eq "$(proto ERROR_STEP)" ssh
  chk no_vm_left
  rel_case_end

  scenario "SSH login always fails" 6 destroyed f_login_fails --name s6 --ssh-timeout 1
  chk is_eq "$(proto ERROR_STEP)" ssh
  chk no_vm_left
  rel_case_end

  rel_done fault-extra "faults outside the happy path: no IP, no SSH, login failing"
}

@test "faults outside the happy path's call list: rollback failing, id races, --keep-on-failure" {
  scenario "qm stop fails during rollback: destroy still runs" 5 destroyed f_stop_fails --name s7
  chk no_vm_left
  rel_case_end

  scenario "pvesh /cluster/nextid fails" 5 none f_nextid_fails --name s8
  chk no_vm_left
  rel_case_end

  scenario "every create loses the id race: bounded retries, exit 5" 5 none f_create_race --name s9
  chk is_eq "$(pvesim calls --match '^qm create' --count)" 5
  chk no_vm_left
  rel_case_end

  # destroy itself fails: report honestly that the VM is kept, and how to remove it
  scenario "qm destroy fails during rollback: CLEANUP kept, names what is left" 5 kept f_destroy_fails --name s10
  chk has_text "$(proto ERROR)" "start failed"
  chk has_text "$(proto REMEDIATION)" "qm destroy 100 --purge 1 --destroy-unreferenced-disks 1"
  chk has_text "$(proto CLEANUP_LEFT)" "VM 100"
  chk is_eq "$(proto VM_ID)" 100
  rel_case_end

  scenario "--keep-on-failure keeps the VM and says kept" 5 kept f_start_error --name s11 --keep-on-failure
  chk pvesim vm 100
  rel_case_end

  rel_done fault-extra "faults outside the happy path: rollback failing, lost id races, --keep-on-failure"
}
