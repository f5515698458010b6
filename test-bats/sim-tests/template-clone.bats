#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# qm template / qm clone / destroy of a template, and the machine-id model. Sources (read, see
# test-bats/sim/README.md "Templates and clones"): qemu-server @ e6352be6 src/PVE/API2/Qemu.pm
# (`template`, `clone_vm`), src/PVE/QemuServer.pm (`template_create`, `clone_disk`, `destroy_vm`,
# `vm_start`), src/PVE/CLI/qm.pm (`template` has no $upid_exit, `clone` has); pve-storage @
# 0c56bad8 src/PVE/Storage/{Plugin,LvmThinPlugin,ZFSPoolPlugin,RBDPlugin,LVMPlugin}.pm
# (`volume_has_feature`, `create_base`, `clone_image`), src/PVE/Storage.pm (`volume_is_base_and_used`).

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
  IMG="$(sim_image)"
}

# mktpl ID STORAGE [FORMAT]: a never-booted VM with an imported disk and a cloud-init drive, made a template
mktpl() {
  qm create "$1" --name tpl --net0 virtio,bridge=vmbr0 --scsi0 "$2:0,import-from=$IMG${3:+,format=$3}" \
    --ide2 "$2:cloudinit" --boot order=scsi0 --vmgenid 1 >/dev/null
  qm template "$1"
}

@test "qm template: template: 1, the disk becomes base-ID-disk-N (lvmthin prints the lvrename line), cloud-init kept" {
  qm create 9000 --name tpl --net0 virtio,bridge=vmbr0 --scsi0 "local-lvm:0,import-from=$IMG" \
    --ide2 local-lvm:cloudinit >/dev/null
  run --separate-stderr qm template 9000
  assert_success
  assert_output '  Renamed "vm-9000-disk-0" to "base-9000-disk-0" in volume group "pve"'
  run qm config 9000
  assert_line 'template: 1'
  assert_line 'scsi0: local-lvm:base-9000-disk-0,size=3584M'
  assert_line 'ide2: local-lvm:vm-9000-cloudinit,media=cdrom'
  run pvesh get /cluster/resources --type vm --output-format json
  run node -e 'console.log(JSON.parse(process.argv[1]).find((r) => r.vmid === 9000).template)' "$output"
  assert_output 1
}

@test "qm template: base volume names per storage type; lvm (thick) has no template feature and keeps vm-" {
  pvesim storage add local-zfs --type zfspool
  pvesim storage add ceph --type rbd
  pvesim storage add nfs1 --type nfs --content images
  pvesim storage add vg1 --type lvm
  mktpl 9001 local-zfs
  mktpl 9002 ceph
  mktpl 9003 nfs1 qcow2
  mktpl 9004 vg1
  run bash -c 'for i in 9001 9002 9003 9004; do qm config $i | grep "^scsi0:"; done'
  local want=$'scsi0: local-zfs:base-9001-disk-0,size=3584M\nscsi0: ceph:base-9002-disk-0,size=3584M\n'
  want+=$'scsi0: nfs1:9003/base-9003-disk-0.qcow2,size=3584M\nscsi0: vg1:vm-9004-disk-0,size=3584M'
  assert_output "$want"
}

@test "qm template refuses a running VM and a template (exit 255); a template does not start" {
  qm create 100 --net0 virtio,bridge=vmbr0 --scsi0 local-lvm:1 >/dev/null
  qm start 100
  run --separate-stderr qm template 100
  assert_equal "$status" 255
  assert_equal "$stderr" "you can't convert a VM to template if VM is running"
  qm stop 100
  qm template 100
  run --separate-stderr qm template 100
  assert_equal "$status" 255
  assert_equal "$stderr" "you can't convert a template to a template"
  run --separate-stderr qm start 100
  assert_equal "$status" 255
  assert_equal "$stderr" "you can't start a vm if it's a template"
}

@test "qm clone of a template is linked by default: names per storage, cloud-init copied, new MAC/uuid/vmgenid, name" {
  pvesim storage add local-zfs --type zfspool
  pvesim storage add nfs1 --type nfs --content images
  mktpl 9000 local-lvm
  mktpl 9001 local-zfs
  mktpl 9002 nfs1 qcow2
  run --separate-stderr qm clone 9000 101 --name web1
  assert_success
  local want=$'creating a clone of VM 9000 with ID 101\ncreate full clone of drive ide2 (local-lvm:vm-9000-cloudinit)\n'
  want+=$'allocated target volume \'local-lvm:vm-101-cloudinit\'\n'
  want+=$'create linked clone of drive scsi0 (local-lvm:base-9000-disk-0)'
  assert_output "$want"
  run qm config 101
  assert_line 'scsi0: local-lvm:vm-101-disk-0,size=3584M'
  assert_line 'ide2: local-lvm:vm-101-cloudinit,media=cdrom'
  assert_line 'name: web1'
  refute_line 'template: 1'
  [ "$(qm config 101 | grep ^net0)" != "$(qm config 9000 | grep ^net0)" ]
  [ "$(qm config 101 | grep ^smbios1)" != "$(qm config 9000 | grep ^smbios1)" ]
  [ "$(qm config 101 | grep ^vmgenid)" != "$(qm config 9000 | grep ^vmgenid)" ]
  qm clone 9001 102 >/dev/null
  run --separate-stderr qm clone 9002 103
  want='clone 9002/base-9002-disk-0.qcow2: images, vm-103-disk-0.qcow2, 103 to vm-103-disk-0.qcow2 '
  want+='(base=../9002/base-9002-disk-0.qcow2)'
  assert_equal "$stderr" "$want"
  run bash -c 'qm config 102 | grep -E "^(scsi0|name):"; qm config 103 | grep ^scsi0:'
  want=$'name: Copy-of-VM-tpl\nscsi0: local-zfs:base-9001-disk-0/vm-102-disk-0,size=3584M\n'
  want+=$'scsi0: nfs1:9002/base-9002-disk-0.qcow2/103/vm-103-disk-0.qcow2,size=3584M'
  assert_output "$want"
}

@test "qm clone --full [--storage]: a copy on the target storage; --storage is refused for a linked clone" {
  pvesim storage add local-zfs --type zfspool
  mktpl 9000 local-lvm
  run --separate-stderr qm clone 9000 101 --storage local-zfs
  assert_equal "$status" 255
  assert_equal "$stderr" "parameter 'storage' not allowed for linked clones"
  run --separate-stderr qm clone 9000 101 --full --storage local-zfs
  assert_success
  assert_line "create full clone of drive scsi0 (local-lvm:base-9000-disk-0)"
  assert_line "allocated target volume 'local-zfs:vm-101-disk-0'"
  assert_line "transferred 3.5 GiB of 3.5 GiB (100.00%)"
  run qm config 101
  assert_line 'scsi0: local-zfs:vm-101-disk-0,size=3584M'
  assert_line 'ide2: local-lvm:vm-101-cloudinit,media=cdrom'
}

@test "qm clone: linked from lvm (thick) or from a plain VM is refused; a plain VM clones full by default" {
  pvesim storage add vg1 --type lvm
  mktpl 9000 vg1
  run --separate-stderr qm clone 9000 101
  assert_equal "$status" 255
  assert_equal "$stderr" "Linked clone feature is not supported for 'vg1:vm-9000-disk-0' (scsi0)"
  run qm clone 9000 101 --full
  assert_success
  qm create 200 --scsi0 local-lvm:1 >/dev/null
  run --separate-stderr qm clone 200 201 --full 0
  assert_equal "$status" 255
  assert_equal "$stderr" "Linked clone feature is not supported for 'local-lvm:vm-200-disk-0' (scsi0)"
  run qm clone 200 201
  assert_success
  assert_line "create full clone of drive scsi0 (local-lvm:vm-200-disk-0)"
}

# shellcheck disable=SC2030 # IMG is set anew for this test's own 3-node host, as setup() sets it for the others
@test "qm clone --target: refused for local storage, allowed for shared; unknown node; a used new id" {
  sim_setup --nodes 3 --offline-node ''
  IMG="$(sim_image)"
  pvesim storage add ceph --type rbd
  mktpl 9000 local-lvm
  mktpl 9001 ceph
  run --separate-stderr qm clone 9000 101 --target pve2
  assert_equal "$status" 255
  assert_equal "$stderr" "can't clone VM to node 'pve2' (VM uses local storage)"
  run --separate-stderr qm clone 9001 101 --target nope
  assert_equal "$stderr" "no such cluster node 'nope'"
  run qm clone 9001 101 --target pve2
  assert_success
  run pvesh get /nodes/pve2/qemu/101/config --output-format json
  assert_output --partial '"scsi0":"ceph:base-9001-disk-0/vm-101-disk-0,size=3584M"'
  run --separate-stderr qm clone 9001 9000
  assert_equal "$status" 255
  assert_equal "$stderr" "unable to create VM 9000: config file already exists"
  pvesim guest add 500 --node pve3
  run --separate-stderr qm clone 9001 500
  assert_equal "$status" 255
  assert_line --index 0 'creating a clone of VM 9001 with ID 500'
  assert_equal "$stderr" \
    "clone failed: close (rename) atomic file '/etc/pve/nodes/pve/qemu-server/500.conf' failed: File exists"
}

@test "full clone holds lock: clone while it copies (pvesim timing --clone)" {
  mktpl 9000 local-lvm
  pvesim timing --clone 1 >/dev/null
  qm clone 9000 101 --full >/dev/null &
  sleep 0.5
  run pvesh get /nodes/pve/qemu/101/config --output-format json
  assert_output --partial '"lock":"clone"'
  wait
  run qm config 101
  refute_line --partial 'lock:'
}

@test "destroy of a template with linked clones: refused on zfs (qm 255, pvesh exit 0 + UPID), allowed on lvmthin" {
  pvesim storage add local-zfs --type zfspool
  mktpl 9001 local-zfs
  qm clone 9001 101 >/dev/null
  run --separate-stderr qm destroy 9001
  assert_equal "$status" 255
  assert_equal "$stderr" "base volume 'local-zfs:base-9001-disk-0' is still in use by linked cloned"
  run --separate-stderr pvesh delete /nodes/pve/qemu/9001
  assert_success
  assert_output --regexp '^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmdestroy:9001:root@pam:$'
  assert_equal "$stderr" "base volume 'local-zfs:base-9001-disk-0' is still in use by linked cloned"
  qm config 9001 >/dev/null
  qm destroy 101
  run qm destroy 9001
  assert_success
  # LVM-thin: the clone's name does not record its base, PVE cannot tell: the template goes
  mktpl 9000 local-lvm
  qm clone 9000 102 >/dev/null
  run qm destroy 9000
  assert_success
  run qm config 102
  assert_line 'scsi0: local-lvm:vm-102-disk-0,size=3584M'
}

@test "pvesh create .../template and .../clone: UPID, exit 0 even when the clone worker fails; early errors exit 255" {
  mktpl 9000 local-lvm
  qm create 100 --scsi0 local-lvm:1 >/dev/null
  run --separate-stderr pvesh create /nodes/pve/qemu/100/template
  assert_success
  assert_output --regexp ':qmtemplate:100:root@pam:$'
  run --separate-stderr pvesh create /nodes/pve/qemu/9000/clone --newid 101 --storage local-lvm
  assert_equal "$status" 255
  assert_equal "$stderr" "parameter 'storage' not allowed for linked clones"
  pvesim storage set local-lvm --free-gib 0
  run --separate-stderr pvesh create /nodes/pve/qemu/9000/clone --newid 101 --full 1
  assert_success
  assert_line --regexp ':qmclone:9000:root@pam:$'
  assert_equal "$stderr" \
    "clone failed: lvcreate 'pve/vm-101-cloudinit' error:   Insufficient free space in thin pool pve/data"
  run qm status 101
  assert_failure
}

@test "machine-id: a never-booted template gives each clone its own id, address; a booted one is shared until reset" {
  mktpl 9000 local-lvm
  qm clone 9000 101 >/dev/null
  qm clone 9000 102 >/dev/null
  [ -z "$(pvesim machine-id 9000)" ]
  qm start 101
  qm start 102
  [ -n "$(pvesim machine-id 101)" ]
  [ "$(pvesim machine-id 101)" != "$(pvesim machine-id 102)" ]
  [ "$(sim_wait_ip 101)" != "$(sim_wait_ip 102)" ]
  # a VM that booted once (machine-id written), then cloned: the clones share its DHCP identity
  qm stop 101
  qm clone 101 201 >/dev/null
  qm clone 101 202 >/dev/null
  qm start 201
  qm start 202
  [ "$(pvesim machine-id 201)" = "$(pvesim machine-id 101)" ]
  [ "$(sim_wait_ip 201)" = "$(sim_wait_ip 202)" ]
}

# shellcheck disable=SC2031 # IMG comes from setup(), not from the test that sets it anew
@test "machine-id: reset inside the guest (truncate -s 0 /etc/machine-id over ssh) gives the next boot a new one" {
  qm create 100 --net0 virtio,bridge=vmbr0 --scsi0 "local-lvm:0,import-from=$IMG" --ide2 local-lvm:cloudinit \
    --boot order=scsi0 --sshkeys "$HOME/.ssh/id_ed25519.pub" --ciuser ubuntu >/dev/null
  qm start 100
  ip="$(sim_wait_ip 100)"
  old="$(pvesim machine-id 100)"
  pvesim clock 5
  run --separate-stderr ssh -o StrictHostKeyChecking=accept-new \
    -o UserKnownHostsFile="$BATS_TEST_TMPDIR/kh" "ubuntu@$ip" 'cat /etc/machine-id'
  assert_output "$old"
  ssh -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile="$BATS_TEST_TMPDIR/kh" "ubuntu@$ip" \
    'sudo truncate -s 0 /etc/machine-id && sudo rm -f /var/lib/dbus/machine-id'
  [ -z "$(pvesim machine-id 100)" ]
  qm stop 100
  qm start 100
  new="$(pvesim machine-id 100)"
  [ -n "$new" ] && [ "$new" != "$old" ]
}
