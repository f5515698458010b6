#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# qm create: the simulator reproduces PROXMOX-FACTS.md §0, §1, §2 (volume names), §3 (sshkeys), §8.

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
}

@test "§1 create with an existing VMID: 'unable to create VM N - VM N already exists on node' and exit 255" {
  run qm create 100 --name a
  assert_success
  run --separate-stderr qm create 100 --name b
  assert_equal "$status" 255
  assert_equal "$stderr" "unable to create VM 100 - VM 100 already exists on node 'pve'"
  assert_equal "$output" ""
}

@test "§1 the check covers containers on other nodes: '... - CT N already exists on node pve2'" {
  sim_setup --nodes 3
  pvesim guest add 120 --type lxc --node pve2
  run --separate-stderr qm create 120
  assert_equal "$status" 255
  assert_equal "$stderr" "unable to create VM 120 - CT 120 already exists on node 'pve2'"
}

@test "§0 an unknown option fails with Getopt's text, '400 unable to parse option', the usage, exit 255" {
  run --separate-stderr qm create 101 --bogus 1
  assert_equal "$status" 255
  assert_equal "$stderr" $'Unknown option: bogus\n400 unable to parse option\nqm create <vmid> [OPTIONS]'
  run qm status 101
  assert_failure
}

@test "§0 malformed values fail schema checks with '400 Parameter verification failed.' and sub-key errors" {
  run --separate-stderr qm create 99 --name bad_name --net0 virtio,bridge=vmbr0,tag=5000 --cores abc
  assert_equal "$status" 255
  assert_equal "$stderr" "400 Parameter verification failed.
cores: type check ('integer') failed - got 'abc'
name: invalid format - value does not look like a valid DNS name
net0: invalid format - format error
net0.tag: value must have a maximum value of 4094
vmid: value must have a minimum value of 100
qm create <vmid> [OPTIONS]"
}

@test "§0 Getopt abbreviations work: --sshkey for --sshkeys" {
  run qm create 101 --sshkey "$HOME/.ssh/id_ed25519.pub"
  assert_success
  run qm config 101
  assert_line --regexp '^sshkeys: ssh-ed25519%20[A-Za-z0-9%]+%20root%40pve%0A$'
}

@test "§1 options added later are unknown on older versions: --ciupgrade on 7.4, memory property string before 8.1" {
  sim_setup --version 7.4
  run --separate-stderr qm create 101 --ciupgrade 0
  assert_equal "$status" 255
  assert_equal "${stderr_lines[0]}" 'Unknown option: ciupgrade'
  run --separate-stderr qm create 101 --memory current=2048
  assert_equal "$status" 255
  assert_equal "${stderr_lines[1]}" "memory: type check ('integer') failed - got 'current=2048'"
}

@test "§1 net0 gets an upper-case BC:24:11 MAC; tags are lower-cased, sorted, de-duplicated" {
  qm create 100 --net0 virtio,bridge=vmbr0,tag=10,firewall=1 --tags 'Linus,web;linus'
  run qm config 100
  assert_line --regexp '^net0: virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0,firewall=1,tag=10$'
  assert_line 'tags: linus;web'
}

@test "§1 import-from: progress lines, 'scsi0: successfully created disk', size from the image header" {
  img="$(sim_image)"
  run --separate-stderr qm create 100 --scsi0 "local-lvm:0,import-from=$img,discard=on" --ide2 local-lvm:cloudinit
  assert_success
  assert_line 'transferred 0.0 B of 3.5 GiB (0.00%)'
  assert_line 'transferred 3.5 GiB of 3.5 GiB (100.00%)'
  assert_line "scsi0: successfully created disk 'local-lvm:vm-100-disk-0,discard=on,size=3584M'"
  assert_line "ide2: successfully created disk 'local-lvm:vm-100-cloudinit,media=cdrom'"
}

@test "§1 import-from needs STORE:0 and an existing file" {
  img="$(sim_image)"
  run --separate-stderr qm create 100 --scsi0 "local-lvm:8,import-from=$img"
  assert_equal "$status" 255
  assert_equal "${stderr_lines[1]}" \
    "scsi0: 'import-from' requires special syntax - use <storage ID>:0,import-from=<source>"
  run --separate-stderr qm create 100 --scsi0 "local-lvm:0,import-from=/nonexistent.img"
  assert_equal "$status" 255
  assert_equal "$stderr" '/nonexistent.img: non-existent or non-regular file'
  run qm status 100
  assert_failure
}

@test "§2 volume names follow the storage type (lvmthin, lvm, zfspool, rbd, dir, nfs, btrfs)" {
  pvesim storage add vg1 --type lvm
  pvesim storage add local-zfs --type zfspool
  pvesim storage add ceph --type rbd
  pvesim storage add data --type dir --content images
  pvesim storage add nas --type nfs --content images
  pvesim storage add local-btrfs --type btrfs --content images
  run qm create 100 --scsi0 local-lvm:1 --scsi1 vg1:1 --scsi2 local-zfs:1 --scsi3 ceph:1 --scsi4 data:1 \
    --scsi5 nas:1 --scsi6 local-btrfs:1 --ide2 data:cloudinit
  assert_success
  run qm config 100
  assert_line 'scsi0: local-lvm:vm-100-disk-0,size=1G'
  assert_line 'scsi1: vg1:vm-100-disk-0,size=1G'
  assert_line 'scsi2: local-zfs:vm-100-disk-0,size=1G'
  assert_line 'scsi3: ceph:vm-100-disk-0,size=1G'
  assert_line 'scsi4: data:100/vm-100-disk-0.raw,size=1G'
  assert_line 'scsi5: nas:100/vm-100-disk-0.raw,size=1G'
  assert_line 'scsi6: local-btrfs:100/vm-100-disk-0.raw,size=1G'
  assert_line 'ide2: data:100/vm-100-cloudinit.qcow2,media=cdrom'
}

@test "§2 a leftover vm-N-cloudinit volume makes create fail and leaves no config" {
  pvesim guest add 100
  qm destroy 100 # a stale cloud-init LV is left behind below
  pvesm alloc local-lvm 100 vm-100-cloudinit 4M
  run --separate-stderr qm create 100 --ide2 local-lvm:cloudinit
  assert_equal "$status" 255
  local want="lvcreate 'pve/vm-100-cloudinit' error:   Logical Volume \"vm-100-cloudinit\" already exists "
  want+="in volume group \"pve\""
  assert_equal "$stderr" "$want"
  run qm status 100
  assert_failure
}

@test "§2 a storage without 'images' content refuses disks" {
  run --separate-stderr qm create 100 --scsi0 local:8
  assert_equal "$status" 255
  assert_equal "$stderr" 'storage local does not support vm images'
}

@test "§3 --sshkeys on the qm command line is a FILE PATH; key text fails with can't open" {
  key="$(cat "$HOME/.ssh/id_ed25519.pub")"
  run --separate-stderr qm create 100 --sshkeys "$key"
  assert_failure
  assert_equal "$stderr" "can't open '$key' - No such file or directory"
}

@test "§1 --start only warns when the start fails: exit 0, VM stopped" {
  run --separate-stderr qm create 100 --net0 virtio,bridge=vmbr9 --start 1
  assert_success
  assert_equal "$stderr" $'bridge \'vmbr9\' does not exist\nTask finished with 1 warning(s)!'
  run qm status 100
  assert_output 'status: stopped'
}

@test "§8 'lock: create' is in the config while a create runs; other mutating commands get 'VM is locked (create)'" {
  # long enough for a loaded machine; the config is polled until the create has claimed the id
  pvesim timing --create 6 >/dev/null
  qm create 100 --name slow &
  local i
  for i in {1..50}; do
    [[ "$(qm config 100 2>/dev/null)" != 'lock: create' ]] || break
    sleep 0.1
  done
  run qm config 100
  assert_output 'lock: create'
  run --separate-stderr qm start 100
  assert_equal "$status" 255
  assert_equal "$stderr" 'VM is locked (create)'
  wait
  run qm config 100
  refute_line --partial 'lock:'
  assert_line 'name: slow'
}

@test "§8 concurrent creators of one VMID: exactly one wins, the others get 'already exists'" {
  for i in 1 2 3 4; do qm create 150 --name "c$i" >"$BATS_TEST_TMPDIR/out$i" 2>&1 & done
  wait
  run bash -c "grep -l 'already exists' $BATS_TEST_TMPDIR/out* | wc -l"
  assert_output 3
}

@test "fault --kill: qm create dies part-way as SIGKILL leaves it (qemu-server create_vm, no cleanup)" {
  pvesim fault qm '^create ' --kill
  run qm create 130 --name k1 --scsi0 local-lvm:4 --ide2 local-lvm:cloudinit
  assert_equal "$status" 137
  # the config create_and_lock_config wrote, nothing else; the disks allocated so far stay
  assert_equal "$(qm config 130)" "lock: create"
  run pvesm list local-lvm --vmid 130
  assert_line --partial "local-lvm:vm-130-disk-0"
  assert_line --partial "local-lvm:vm-130-cloudinit"
  run qm create 130 --name k2
  assert_equal "$status" 255
  # what a tool does about it: unlock, destroy with purge and unreferenced disks
  qm unlock 130
  qm destroy 130 --purge 1 --destroy-unreferenced-disks 1 >/dev/null
  [ -z "$(pvesm list local-lvm --vmid 130 | tail -n +2)" ]
}
