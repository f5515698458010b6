#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# qm status/start/stop/destroy/resize/importdisk/list/unlock: PROXMOX-FACTS.md §2, §4, §5, §8.

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
}

@test "§5 qm status of an unknown id: 'Configuration file ... does not exist', exit 255" {
  run --separate-stderr qm status 105
  assert_equal "$status" 255
  assert_equal "$stderr" "Configuration file 'nodes/pve/qemu-server/105.conf' does not exist"
}

@test "§5 qm is node-local: a VM on another node or a container gives the same 'does not exist'" {
  sim_setup --nodes 3
  pvesim guest add 200 --node pve2
  pvesim guest add 201 --type lxc
  run --separate-stderr qm status 200
  assert_equal "$stderr" "Configuration file 'nodes/pve/qemu-server/200.conf' does not exist"
  run --separate-stderr qm status 201
  assert_equal "$stderr" "Configuration file 'nodes/pve/qemu-server/201.conf' does not exist"
}

@test "§5 status lines; start of a running VM fails 'VM N already running'; stop of a stopped VM is quiet" {
  qm create 100 --net0 virtio,bridge=vmbr0
  run qm status 100
  assert_output 'status: stopped'
  run qm stop 100
  assert_success
  assert_output ''
  qm start 100
  run qm status 100
  assert_output 'status: running'
  run --separate-stderr qm start 100
  assert_equal "$status" 255
  assert_equal "$stderr" 'VM 100 already running'
}

@test "§3 qm start prints 'generating cloud-init ISO' when a cloud-init drive exists" {
  qm create 100 --ide2 local-lvm:cloudinit
  run qm start 100
  assert_success
  assert_output 'generating cloud-init ISO'
}

@test "§5 destroy of a running VM is refused: 'VM N is running - destroy failed', exit 255" {
  qm create 100 --scsi0 local-lvm:4
  qm start 100
  run --separate-stderr qm destroy 100
  assert_equal "$status" 255
  assert_equal "$stderr" 'VM 100 is running - destroy failed'
  qm stop 100
  run qm destroy 100 --purge 1 --destroy-unreferenced-disks 1
  assert_success
  assert_line '  Logical volume "vm-100-disk-0" successfully removed.'
  assert_line 'purging VM 100 from related configurations..'
  run pvesm list local-lvm --vmid 100
  refute_output --partial 'vm-100-disk-0'
}

@test "§5 destroy --destroy-unreferenced-disks also removes orphan vm-N-* volumes" {
  qm create 100
  pvesm alloc local-lvm 100 vm-100-disk-7 1G
  qm destroy 100 --destroy-unreferenced-disks
  run pvesm list local-lvm
  refute_output --partial 'vm-100-disk-7'
}

@test "§4 resize: shrinking refused; exit 0 on PVE 8 (error on stderr only)" {
  qm create 100 --scsi0 local-lvm:32
  run --separate-stderr qm resize 100 scsi0 10G
  assert_equal "$status" 0
  assert_equal "$stderr" 'shrinking disks is not supported'
  run qm config 100
  assert_line 'scsi0: local-lvm:vm-100-disk-0,size=32G'
  run qm disk resize 100 scsi0 +8G
  assert_success
  run qm config 100
  assert_line 'scsi0: local-lvm:vm-100-disk-0,size=40G'
}

@test "§4 resize failure exits 255 on PVE 7; unknown disk and cdrom errors" {
  sim_setup --version 7.4
  qm create 100 --scsi0 local-lvm:32 --ide2 local-lvm:cloudinit
  run --separate-stderr qm resize 100 scsi0 10G
  assert_equal "$status" 255
  assert_equal "$stderr" 'shrinking disks is not supported'
  run --separate-stderr qm resize 100 scsi5 10G
  assert_equal "$stderr" "disk 'scsi5' does not exist"
  run --separate-stderr qm resize 100 ide2 10G
  assert_equal "$stderr" "you can't resize a cdrom"
}

@test "§2 importdisk output since PVE 8.3: 'unused0: successfully imported disk'" {
  img="$(sim_image)"
  qm create 100
  run qm importdisk 100 "$img" local-lvm
  assert_success
  assert_line --index 0 "importing disk '$img' to VM 100 ..."
  assert_line "unused0: successfully imported disk 'local-lvm:vm-100-disk-0'"
  run qm config 100
  assert_line 'unused0: local-lvm:vm-100-disk-0'
}

@test "§2 importdisk output before PVE 8.3: 'Successfully imported disk as unused0:VOL'" {
  sim_setup --version 8.2
  img="$(sim_image)"
  qm create 100
  run qm disk import 100 "$img" local-lvm
  assert_success
  assert_line "Successfully imported disk as 'unused0:local-lvm:vm-100-disk-0'"
  run --separate-stderr qm importdisk 100 "$img" local-lvm --target-disk scsi1
  assert_equal "$stderr_lines" 'Unknown option: target-disk'
}

@test "§2 importdisk checks: missing source, storage without images" {
  qm create 100
  run --separate-stderr qm importdisk 100 /nope.img local-lvm
  assert_equal "$stderr" '/nope.img: non-existent or non-regular file'
  img="$(sim_image)"
  run --separate-stderr qm importdisk 100 "$img" local
  assert_equal "$stderr" 'storage local does not support vm images'
}

@test "§8 a stale lock blocks set/start/destroy until qm unlock" {
  pvesim guest add 100 --lock create
  for c in "set 100 --memory 1024" "start 100" "destroy 100"; do
    # shellcheck disable=SC2086 # the command words are split on purpose
    run --separate-stderr qm $c
    assert_equal "$status" 255
    assert_equal "$stderr" 'VM is locked (create)'
  done
  qm unlock 100
  run qm set 100 --memory 1024
  assert_success
  assert_output 'update VM 100: -memory 1024'
}

@test "§1 qm set prints 'update VM N: -key value' with -cipassword <hidden>; qm config masks it" {
  qm create 100
  run qm set 100 --cipassword secret --agent enabled=1
  assert_output 'update VM 100: -cipassword <hidden> -agent enabled=1'
  run qm config 100
  assert_line 'cipassword: **********'
  run pvesim vm 100
  assert_output --regexp '"cipassword": "[$]6[$]' # a literal regex
}

@test "§5 qm list: header and one row per local VM; nothing when there are none" {
  run qm list
  assert_output ''
  qm create 100 --name web1 --memory 2048 --scsi0 local-lvm:20
  run qm list
  assert_line --index 0 '      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       '
  assert_line --index 1 '       100 web1                 stopped    2048              20.00 0         '
}

@test "§0 unknown subcommand: 'ERROR: unknown command', exit 255" {
  run --separate-stderr qm frobnicate 100
  assert_equal "$status" 255
  assert_equal "${stderr_lines[0]}" "ERROR: unknown command 'qm frobnicate'"
}
