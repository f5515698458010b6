#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# Guest agent and boot timing: PROXMOX-FACTS.md §6 (agent), §3 (cicustom vendor snippet).

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
  pvesim timing --boot 0 --dhcp 1 --agent 2 --ssh 2 --cloudinit 1 --upgrade 0 >/dev/null
  img="$(sim_image)"
  vendor="$(pvesm path local:snippets/vendor.yaml)"
  printf '#cloud-config\npackages: [qemu-guest-agent]\nruncmd: [[systemctl, enable, --now, qemu-guest-agent]]\n' \
    >"$vendor"
}

create_vm() { # create_vm ID [extra qm create options]
  local id="$1"
  shift
  qm create "$id" --net0 virtio,bridge=vmbr0 --scsi0 "local-lvm:0,import-from=$img" --ide2 local-lvm:cloudinit \
    --agent enabled=1 --ipconfig0 ip=dhcp "$@" >/dev/null
}

@test "§6 no agent in the image and no vendor snippet: 'QEMU guest agent is not running' forever" {
  create_vm 100
  qm start 100 >/dev/null
  pvesim clock 3600
  run --separate-stderr qm guest cmd 100 network-get-interfaces
  assert_equal "$status" 255
  assert_equal "$stderr" 'QEMU guest agent is not running'
}

@test "§6 a cicustom vendor snippet installing qemu-guest-agent brings the agent up after the agent delay" {
  create_vm 100 --cicustom vendor=local:snippets/vendor.yaml
  qm start 100 >/dev/null
  run --separate-stderr qm guest cmd 100 network-get-interfaces
  assert_equal "$stderr" 'QEMU guest agent is not running'
  pvesim clock 2.5
  run qm guest cmd 100 network-get-interfaces
  assert_success
  assert_line --index 0 '['
  assert_line --index 1 '   {'
  assert_line --index 2 '      "hardware-address" : "00:00:00:00:00:00",'
  mac="$(qm config 100 | sed -n 's/^net0: virtio=\([^,]*\),.*/\1/p' | tr 'A-F' 'a-f')"
  assert_line "      \"hardware-address\" : \"$mac\","
  assert_line '            "ip-address" : "10.233.0.10",'
}

@test "§6 qm agent is an alias of qm guest cmd" {
  pvesim image-agent 1
  img="$(sim_image)"
  create_vm 100
  qm start 100 >/dev/null
  pvesim clock 3
  run qm agent 100 network-get-interfaces
  assert_success
  run qm guest cmd 100 network-get-interfaces
  assert_success
}

@test "§6 interfaces have no ip-addresses while DHCP is still running" {
  pvesim timing --agent 0 --dhcp 60 >/dev/null
  pvesim image-agent 1
  img="$(sim_image)"
  create_vm 100
  qm start 100 >/dev/null
  run qm guest cmd 100 network-get-interfaces
  assert_success
  assert_line '      "name" : "eth0",'
  refute_output --partial '10.233.'
}

@test "§6 error order: 'No QEMU guest agent configured', then 'VM N is not running'" {
  qm create 100 --net0 virtio,bridge=vmbr0
  run --separate-stderr qm guest cmd 100 network-get-interfaces
  assert_equal "$stderr" 'No QEMU guest agent configured'
  qm set 100 --agent 1 >/dev/null
  run --separate-stderr qm guest cmd 100 network-get-interfaces
  assert_equal "$stderr" 'VM 100 is not running'
}

@test "§6 pvesh agent/network-get-interfaces wraps the reply in {\"result\": [...]}" {
  pvesim image-agent 1
  img="$(sim_image)"
  create_vm 100
  qm start 100 >/dev/null
  pvesim clock 3
  run pvesh get /nodes/pve/qemu/100/agent/network-get-interfaces --output-format json
  assert_success
  assert_output --regexp '^\{"result":\[\{"hardware-address":"00:00:00:00:00:00"'
}

@test "§3 ciupgrade (default on) delays a snippet-installed agent; --ciupgrade 0 does not" {
  pvesim timing --upgrade 100 >/dev/null
  create_vm 100 --cicustom vendor=local:snippets/vendor.yaml
  create_vm 101 --cicustom vendor=local:snippets/vendor.yaml --ciupgrade 0
  qm start 100 >/dev/null
  qm start 101 >/dev/null
  pvesim clock 3
  run qm guest cmd 100 ping
  assert_failure
  run qm guest cmd 101 ping
  assert_success
}

@test "§3 a missing cicustom snippet makes the start fail" {
  create_vm 100 --cicustom vendor=local:snippets/missing.yaml
  run --separate-stderr qm start 100
  assert_equal "$status" 255
  assert_equal "$stderr" "can't find file 'local:snippets/missing.yaml'"
  pvesim version 7.4
  run --separate-stderr qm start 100
  assert_equal "$stderr" "can't open '$(pvesm path local:snippets/missing.yaml)' - No such file or directory"
}
