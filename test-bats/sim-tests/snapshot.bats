#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# qm snapshot/rollback, pvesh .../snapshot, .../status/reboot: qemu-server API2/Qemu.pm snapshot and
# rollback, pve-guest-common AbstractConfig.pm, pve-storage volume_has_feature(snapshot),
# pve-common JSONSchema.pm pve-configid; worker tasks as in PROXMOX-FACTS.md §0.

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup --nodes 3
  qm create 100 --net0 virtio,bridge=vmbr0 --scsi0 local-lvm:8 --ide2 local-lvm:cloudinit >/dev/null
}

@test "qm snapshot: parent in the config, a used name and the reserved names refused, exit 255" {
  run --separate-stderr qm snapshot 100 s1
  assert_equal "$status" 0
  run qm config 100
  assert_line "parent: s1"
  run --separate-stderr qm snapshot 100 s1
  assert_equal "$status" 255
  assert_equal "$stderr" "snapshot name 's1' already used"
  run --separate-stderr qm snapshot 100 current
  assert_equal "$stderr" "unable to use snapshot name 'current' (reserved name)"
  run --separate-stderr qm snapshot 100 1x
  assert_equal "$status" 255
  [[ "$stderr" == *$'\n'"snapname: invalid format - invalid configuration ID '1x'"$'\n'* ]]
}

@test "snapshot feature: LVM thick and raw on dir refuse, qcow2 on dir and lvmthin take it" {
  pvesim storage add thick --type lvm >/dev/null
  pvesim guest add 101 --storage thick >/dev/null
  run --separate-stderr qm snapshot 101 s1
  assert_equal "$status" 255
  assert_equal "$stderr" "snapshot feature is not available"
  pvesim storage add files --type dir --content images >/dev/null
  qm create 102 --scsi0 files:4,format=raw >/dev/null
  run --separate-stderr qm snapshot 102 s1
  assert_equal "$stderr" "snapshot feature is not available"
  qm create 103 --scsi0 files:4,format=qcow2 >/dev/null
  run qm snapshot 103 s1
  assert_equal "$status" 0
}

@test "rollback: a running VM is stopped first, --start boots it; an unknown name: exit 255" {
  qm start 100 >/dev/null
  qm snapshot 100 s1
  qm set 100 --memory 4096 >/dev/null
  run qm rollback 100 s1
  assert_equal "$status" 0
  run qm status 100
  assert_output "status: stopped"
  run qm config 100
  refute_line "memory: 4096"
  assert_line "parent: s1"
  qm rollback 100 s1 --start 1 >/dev/null
  run qm status 100
  assert_output "status: running"
  run --separate-stderr qm rollback 100 nope
  assert_equal "$status" 255
  assert_equal "$stderr" "snapshot 'nope' does not exist"
}

@test "pvesh: snapshot list with 'current' last; tasks print a UPID and exit 0 even when they fail" {
  qm snapshot 100 s1
  run pvesh get /nodes/pve/qemu/100/snapshot --output-format json
  node -e '
    const l = JSON.parse(process.argv[1]);
    if (l.length !== 2 || l[0].name !== "s1" || l[1].name !== "current" || l[1].parent !== "s1") process.exit(1);
  ' "$output"
  run --separate-stderr pvesh create /nodes/pve/qemu/100/snapshot --snapname s1
  assert_equal "$status" 0
  assert_equal "$stderr" "snapshot name 's1' already used"
  [[ "$output" =~ ^UPID:pve:.*:qmsnapshot:100:root@pam:$ ]]
  run --separate-stderr pvesh create /nodes/pve/qemu/100/status/reboot
  assert_equal "$status" 0
  assert_equal "$stderr" "VM 100 not running"
  run --separate-stderr pvesh create /nodes/pve/qemu/100/snapshot/s1/rollback --start 1
  assert_equal "$status" 0
  run qm status 100
  assert_output "status: running"
}
