#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr is set by bats' run --separate-stderr
# The /etc/pve view of guest configs, iputils arping and ping, and `pvesim lan` devices.

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup --nodes 3 --offline-node ''
}

@test "etc-pve: every node's guest configs, PVE's file format, removed with the guest" {
  pvesim guest add 150 --name db1 --node pve2 --ip 192.168.50.10/24 --gw 192.168.50.1
  pvesim guest add 151 --type lxc --name ct1 --node pve3 --ip 192.168.50.11/24
  qm create 101 --name web1 --ipconfig0 ip=10.0.0.5/24,gw=10.0.0.1 >/dev/null
  run cat "$LINUS_PVE_ETC/nodes/pve2/qemu-server/150.conf"
  assert_line "ipconfig0: ip=192.168.50.10/24,gw=192.168.50.1"
  assert_line "name: db1"
  [ "$(sort <<<"$output")" = "$output" ]
  grep -qx 'net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:01:00:97,ip=192.168.50.11/24,type=veth' \
    "$LINUS_PVE_ETC/nodes/pve3/lxc/151.conf"
  grep -qx 'ipconfig0: ip=10.0.0.5/24,gw=10.0.0.1' "$LINUS_PVE_ETC/nodes/pve/qemu-server/101.conf"
  qm destroy 101 >/dev/null
  [ ! -e "$LINUS_PVE_ETC/nodes/pve/qemu-server/101.conf" ]
  pvesim init >/dev/null
  [ -z "$(find "$LINUS_PVE_ETC" -type f 2>/dev/null)" ]
}

@test "arping -D: exit 1 and the reply when someone has the address, exit 0 when free; bad device exit 2" {
  pvesim lan add 192.168.50.20 --mac a0:36:9f:aa:00:20
  run arping -V
  assert_output "arping from iputils 20240905"
  run arping -D -c 2 -w 3 -I vmbr0 192.168.50.20
  [ "$status" -eq 1 ]
  assert_line "Unicast reply from 192.168.50.20 [A0:36:9F:AA:00:20]  0.612ms"
  run arping -D -c 2 -w 3 -I vmbr0 192.168.50.21
  [ "$status" -eq 0 ]
  assert_line "Received 0 response(s)"
  run arping -c 1 -I vmbr0 192.168.50.20
  [ "$status" -eq 0 ]
  run --separate-stderr arping -D -I vmbr9 192.168.50.20
  [ "$status" -eq 2 ]
  [ "$stderr" = "arping: Device vmbr9 not available." ]
}

@test "ping: a reply from a lan device or a running local VM, 100% loss otherwise" {
  pvesim lan add 192.168.50.20
  pvesim guest add 160 --name web1 --status running
  run ping -n -c 1 -W 2 -I vmbr0 192.168.50.20
  [ "$status" -eq 0 ]
  assert_line "1 packets transmitted, 1 received, 0% packet loss, time 0ms"
  run ping -n -c 1 -W 2 -I vmbr0 "$(pvesim ip 160)"
  [ "$status" -eq 0 ]
  run ping -n -c 1 -W 2 -I vmbr0 192.168.50.99
  [ "$status" -eq 1 ]
  assert_line "1 packets transmitted, 0 received, 100% packet loss, time 0ms"
  pvesim lan remove 192.168.50.20
  run ping -c 1 -I vmbr0 192.168.50.20
  [ "$status" -eq 1 ]
}
