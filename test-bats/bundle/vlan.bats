#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr is set by bats' run --separate-stderr (run_bundle)
# --vlan on each kind of bridge: VLAN aware (the tag on the port), not VLAN aware with physical
# ports (Proxmox makes BRIDGEvTAG over PORT.TAG at start), not VLAN aware without one (refused,
# exit 4, nothing created: Proxmox's start would die "no physical interface on bridge"); which
# ports count as physical by the pve-common release; the same rule in --node auto.

setup() {
  load 'bundle'
}

# refused_no_port BRIDGE: the run failed with exit 4 before any change, naming PVE's reason.
refused_no_port() {
  [ "$status" -eq 4 ] || {
    echo "$output" "$stderr"
    false
  }
  assert_protocol
  [ "$(proto ERROR_STEP)" = validate ]
  [[ "$(proto ERROR)" == *"bridge '$1'"*"not VLAN aware"*"no physical interface on bridge '$1'"*"--vlan 20"* ]]
  [[ "$(proto REMEDIATION)" == *"bridge-vlan-aware yes"*"/etc/network/interfaces"*"ifreload -a"* ]]
  [ "$(proto CLEANUP)" = none ]
  assert_no_mutating_calls
}

@test "not VLAN aware, one physical port (vmbr0 over eno1): accepted, mode bridge-vlan-device, VM runs on vmbr0v20" {
  sim_setup --version 9.1
  run_bundle --name v1 --vlan 20
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  assert_protocol
  [ "$(proto VM_VLAN)" = 20 ]
  [ "$(proto VLAN_MODE)" = bridge-vlan-device ]
  [[ "$output" == *'"vlan_mode":"bridge-vlan-device"'* ]]
  [[ "$stderr" == *"bridge vmbr0v20 over eno1"* ]]
  [[ "$(vm_conf 100 net0)" == *bridge=vmbr0,*tag=20* ]]
  [ "$(vm_field 100 status)" = running ]
  run ip -d -j link show master vmbr0v20
  [[ "$output" == *'"ifname":"eno1.20"'*'"info_kind":"vlan"'* && "$output" == *'"ifname":"tap100i0"'* ]]
}

@test "VLAN aware bridge: mode vlan-aware" {
  sim_setup
  pvesim bridge add vmbr1 --vlan-aware --cidr 10.20.0.1/24
  run_bundle --name v2 --bridge vmbr1 --vlan 20
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  [ "$(proto VLAN_MODE)" = vlan-aware ]
}

@test "no --vlan: no VLAN_MODE line" {
  sim_setup
  run_bundle --name v3
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  run ! proto VLAN_MODE
}

@test "not VLAN aware, no port at all: exit 4, Proxmox's reason and the remediation, nothing created" {
  sim_setup
  pvesim bridge add vmbr1
  run_bundle --name v4 --bridge vmbr1 --vlan 20
  refused_no_port vmbr1
}

@test "not VLAN aware, only a virtual port (dummy0): exit 4, nothing created" {
  sim_setup --version 9.1
  pvesim bridge add vmbr1 --ports dummy0
  run_bundle --name v5 --bridge vmbr1 --vlan 20
  refused_no_port vmbr1
}

@test "dry run refuses the same way (exit 4, no change)" {
  sim_setup
  pvesim bridge add vmbr1
  run_bundle --name v6 --bridge vmbr1 --vlan 20 --dry-run
  refused_no_port vmbr1
}

@test "not VLAN aware, two physical ports: accepted like Proxmox (a VLAN device on each)" {
  sim_setup --version 9.1
  pvesim bridge add vmbr1 --ports eno2,eno3 --cidr 10.20.0.1/24
  run_bundle --name v7 --bridge vmbr1 --vlan 20
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  [ "$(proto VLAN_MODE)" = bridge-vlan-device ]
  [[ "$stderr" == *"over eno2, eno3"* ]]
}

@test "pve-common before 9.1.1 (PVE 8): a port name outside ((eth|bond)N|en*)(.N)? does not count: exit 4" {
  sim_setup --version 8.3
  pvesim bridge add vmbr1 --ports nic0
  run_bundle --name v8 --bridge vmbr1 --vlan 20
  refused_no_port vmbr1
}

@test "pve-common 9.1.4+ (PVE 9.1): pinned name nic0, a bond and a VLAN device all count as physical" {
  local p
  for p in nic0 bond0 eno1.30; do
    sim_setup --version 9.1
    pvesim bridge add vmbr1 --ports "$p" --cidr 10.20.0.1/24
    run_bundle --name v9 --bridge vmbr1 --vlan 20 --dry-run
    [ "$status" -eq 0 ] || {
      echo "$p: $output" "$stderr"
      false
    }
    [ "$(proto VLAN_MODE)" = bridge-vlan-device ]
  done
}

@test "PVE 8: bond0 counts by the name rule" {
  sim_setup --version 8.3
  pvesim bridge add vmbr1 --ports bond0
  run_bundle --name v10 --bridge vmbr1 --vlan 20 --dry-run
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  [ "$(proto VLAN_MODE)" = bridge-vlan-device ]
}

@test "--node pve2 (read over the API): a portless bridge there is refused, exit 4, nothing created" {
  sim_setup --nodes 3 --offline-node ''
  pvesim bridge add vmbr1 --nodes pve2
  run_bundle --name v11 --node pve2 --bridge vmbr1 --vlan 20
  refused_no_port vmbr1
  [[ "$(proto ERROR)" == *"node 'pve2'"* ]]
}

@test "--node auto skips a node whose non-VLAN-aware bridge has no physical port" {
  sim_setup --nodes 3 --offline-node ''
  pvesim node mem pve2 --mem-gib 64 >/dev/null
  pvesim node mem pve3 --mem-gib 128 >/dev/null
  pvesim bridge add vmbr1 --nodes pve3
  pvesim bridge add vmbr1 --nodes pve,pve2 --ports eno1
  run_bundle --name v12 --node auto --bridge vmbr1 --vlan 20
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  [ "$(proto VM_NODE)" = pve2 ]
  [ "$(proto VLAN_MODE)" = bridge-vlan-device ]
  [[ "$stderr" == *"skipped: pve3: vmbr1 not VLAN aware and has no physical port"* ]]
}

@test "--node auto: no node has a usable bridge: exit 4 naming the reason, nothing created" {
  sim_setup --nodes 3 --offline-node ''
  pvesim bridge add vmbr1
  run_bundle --name v13 --node auto --bridge vmbr1 --vlan 20
  [ "$status" -eq 4 ] || {
    echo "$output" "$stderr"
    false
  }
  [[ "$(proto ERROR)" == *"--node auto"*"pve2: vmbr1 not VLAN aware and has no physical port"* ]]
  assert_no_mutating_calls
}
