#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# The bundle across storage types, PVE versions and network setups; dry run; preflight.

setup() {
  load 'bundle'
}

# provision_on_storage TYPE: a storage "fast" of TYPE with images content, then provision on it.
provision_on_storage() {
  sim_setup
  pvesim storage add fast --type "$1" --content images --total-gib 500 --free-gib 400
  run_bundle --storage fast --cores 4 --memory 8G --disk 50G --name "st-$1"
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  assert_protocol
  [ "$(proto VM_STORAGE)" = fast ]
  [[ "$(vm_conf 100 scsi0)" == fast:* ]]
  [[ "$(vm_conf 100 scsi0)" == *size=50G* ]]
  [[ "$(vm_conf 100 ide2)" == fast:*cloudinit* ]]
}

@test "storage lvmthin" { provision_on_storage lvmthin; }
@test "storage lvm" { provision_on_storage lvm; }
@test "storage zfspool" { provision_on_storage zfspool; }
@test "storage dir (volume named 100/vm-100-disk-0.raw, read back, not built)" {
  provision_on_storage dir
  [[ "$(vm_conf 100 scsi0)" == fast:100/vm-100-disk-0.* ]]
}
@test "storage nfs" { provision_on_storage nfs; }
@test "storage btrfs" { provision_on_storage btrfs; }
@test "storage rbd" { provision_on_storage rbd; }

@test "PVE 7.4: no --ciupgrade, CPU model host" {
  sim_setup --version 7.4
  run_bundle --name v74
  [ "$status" -eq 0 ] || {
    echo "$stderr"
    false
  }
  refute_call '^qm create .*--ciupgrade'
  [ "$(vm_conf 100 cpu)" = host ]
}

@test "PVE 8.2" {
  sim_setup --version 8.2
  run_bundle --name v82
  [ "$status" -eq 0 ]
  assert_call '^qm create 100 .*--ciupgrade 0'
}

@test "PVE 8.3" {
  sim_setup --version 8.3
  run_bundle --name v83
  [ "$status" -eq 0 ]
}

@test "PVE 9.1" {
  sim_setup --version 9.1
  run_bundle --name v91 --os debian-13
  [ "$status" -eq 0 ]
  [ "$(proto VM_USER)" = debian ]
  [ "$(proto VM_OS)" = debian-13 ]
}

@test "DHCP without snippets storage: no agent, IP from the neighbour table, with a warning" {
  sim_setup
  pvesim storage set local --content iso,vztmpl,backup
  run_bundle --name noagent
  [ "$status" -eq 0 ] || {
    echo "$stderr"
    false
  }
  [ "$(proto VM_IP_SOURCE)" = neighbour ]
  [ "$(proto GUEST_AGENT)" = absent ]
  [[ "$stderr" == *"no storage has snippets content"* ]]
  refute_call '^qm create .*--cicustom'
}

@test "DHCP with the guest agent: IP from the agent" {
  sim_setup
  LINUS_NEIGHBOUR_GRACE=600 run_bundle --name withagent
  [ "$status" -eq 0 ] || {
    echo "$stderr"
    false
  }
  [ "$(proto VM_IP_SOURCE)" = agent ]
  [ "$(proto VM_IP)" = "$(pvesim ip 100)" ]
}

@test "static IP with VLAN and DNS" {
  sim_setup
  pvesim bridge add vmbr1 --vlan-aware --cidr 10.20.0.1/24
  run_bundle --name st1 --bridge vmbr1 --vlan 20 --ip 10.20.0.50/24 --gateway 10.20.0.1 --dns 1.1.1.1,9.9.9.9
  [ "$status" -eq 0 ] || {
    echo "$stderr"
    false
  }
  [ "$(proto VM_IP)" = 10.20.0.50 ]
  [ "$(proto VM_IP_SOURCE)" = static ]
  [ "$(proto VM_VLAN)" = 20 ]
  [ "$(vm_conf 100 ipconfig0)" = "ip=10.20.0.50/24,gw=10.20.0.1" ]
  [ "$(vm_conf 100 nameserver)" = "1.1.1.1 9.9.9.9" ]
  [[ "$(vm_conf 100 net0)" == *bridge=vmbr1,* && "$(vm_conf 100 net0)" == *tag=20* ]]
  refute_call '^qm guest cmd'
}

@test "--vlan on a bridge that is not VLAN aware and has no physical port: exit 4 before any change" {
  sim_setup
  pvesim bridge add vmbr1
  run_bundle --vlan 20 --bridge vmbr1
  [ "$status" -eq 4 ]
  [[ "$(proto ERROR)" == *"not VLAN aware and has no physical port"* ]]
  assert_no_mutating_calls
}

@test "static --ip without --gateway: exit 3" {
  sim_setup
  run_bundle --ip 10.0.0.5/24
  [ "$status" -eq 3 ]
  assert_no_mutating_calls
}

@test "dry run: zero mutating calls, the plan on stderr, LINUS_RESULT:DRY_RUN" {
  sim_setup
  run_bundle --dry-run --cores 4 --memory 8G --disk 50G --name plan1
  [ "$status" -eq 0 ] || {
    echo "$stderr"
    false
  }
  assert_protocol
  assert_no_mutating_calls
  [ "$(proto RESULT)" = DRY_RUN ]
  [ "$(proto VM_ID)" = 100 ]
  [[ "$stderr" == *'$ qm create 100 --name plan1 --cores 4 --memory 8192'* ]]
  [[ "$stderr" == *'$ qm resize 100 scsi0 50G'* ]]
  [[ "$stderr" == *'$ qm start 100'* ]]
  [ -z "$(ls -A "$LINUS_CACHE_DIR")" ]
}

@test "preflight: all checks ok, snippets storages reported, nothing changed" {
  sim_setup
  run_bundle preflight
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  assert_protocol
  [ "$(proto RESULT)" = SUCCESS ]
  [ "$(proto CHECK_STORAGE)" = ok ]
  [ "$(proto CHECK_BRIDGE)" = ok ]
  [ "$(proto SNIPPET_STORAGES)" = local ]
  assert_no_mutating_calls
}

@test "preflight: each failure with its code; the first one decides the exit code" {
  sim_setup
  run_bundle preflight --storage nope --bridge vmbr9 --cores 2
  [ "$status" -eq 4 ]
  assert_protocol
  [ "$(proto RESULT)" = FAILURE ]
  [ "$(proto ERROR_STEP)" = storage ]
  [[ "$(proto ERROR)" == *"storage 'nope' does not exist or is disabled on node 'pve'"* ]]
  [[ "$(proto REMEDIATION)" == *"local-lvm"* ]]
  [[ "$(proto CHECK_BRIDGE)" == failed:4:*vmbr9* ]]
  [ "$(proto CHECK_NODE)" = ok ]
  assert_no_mutating_calls
}
