#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# status VMID | --name NAME and list, cluster-wide, read-only.

setup() {
  load 'actions'
  sim_setup --nodes 3
}

@test "status by id of a running local VM: state, node, name, tags, IP from the agent" {
  guests "105 web1 pve linus running"
  run_bundle status 105
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  assert_protocol
  [ "$(proto RESULT)" = SUCCESS ]
  [ "$(proto VM_STATE)" = running ]
  [ "$(proto VM_NODE)" = pve ]
  [ "$(proto VM_NAME)" = web1 ]
  [ "$(proto VM_TAGS)" = linus ]
  [ "$(proto VM_MANAGED)" = 1 ]
  [ "$(proto VM_IP)" = "$(pvesim ip 105)" ]
  [ "$(proto VM_IP_SOURCE)" = agent ]
  assert_no_mutating_calls
}

@test "status --name of a VM on another node: its node, IP through pvesh's agent call" {
  guests "110 far pve2 linus;x running"
  run_bundle status --name far
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ "$(proto VM_ID)" = 110 ]
  [ "$(proto VM_NODE)" = pve2 ]
  [ "$(proto VM_IP)" = "$(pvesim ip 110)" ]
  assert_call '^pvesh get /nodes/pve2/qemu/110/agent/network-get-interfaces'
  refute_call '^qm '
  assert_no_mutating_calls
}

@test "status: no agent, the neighbour table gives the IP of net0's MAC" {
  pvesim guest add 112 --name noagent --status running >/dev/null
  clear_calls
  run_bundle status 112
  [ "$status" -eq 0 ]
  [ "$(proto VM_IP_SOURCE)" = neighbour ]
  [ "$(proto VM_IP)" = "$(pvesim ip 112)" ]
  [ "$(proto VM_MANAGED)" = 0 ]
}

@test "status of a stopped VM: no IP, no agent call" {
  guests "107 db1 pve linus stopped"
  run_bundle status 107
  [ "$status" -eq 0 ]
  [ "$(proto VM_STATE)" = stopped ]
  [ "$(proto VM_IP)" = "" ]
  [ "$(proto VM_IP_SOURCE)" = none ]
  refute_call 'guest cmd'
}

@test "status: an unknown VM is exit 1 with a clear message; missing target exit 3" {
  run_bundle status 999
  [ "$status" -eq 1 ]
  assert_protocol
  [ "$(proto ERROR)" = "no VM with id 999 in this cluster" ]
  run_bundle status --name ghost
  [ "$status" -eq 1 ]
  [[ "$(proto ERROR)" == *"named ghost"* ]]
  run_bundle status
  [ "$status" -eq 3 ]
  assert_no_mutating_calls
}

@test "status --name: two VMs of one name is exit 1 naming both ids" {
  guests "105 twin pve linus running" "106 twin pve2 linus running"
  run_bundle status --name twin
  [ "$status" -eq 1 ]
  [[ "$(proto ERROR)" == *"105 106"* ]]
}

@test "list: the VMs with tag linus on every node, LINUS_COUNT, JSON array; one pvesh call" {
  guests "105 web1 pve linus running" "110 far pve2 linus;x stopped" "120 theirs pve - running" \
    "121 tagged-other pve linusx running"
  pvesim guest add 130 --type lxc --name ct --tags linus >/dev/null
  clear_calls
  run_bundle list
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  assert_protocol
  [ "$(proto RESULT)" = SUCCESS ]
  [ "$(proto COUNT)" = 2 ]
  [ "$(grep -c '^LINUS_VM:' <<<"$output")" = 2 ]
  grep -qx 'LINUS_VM:id=105 name=web1 node=pve state=running template=0 tags=linus' <<<"$output"
  grep -qx 'LINUS_VM:id=110 name=far node=pve2 state=stopped template=0 tags=linus;x' <<<"$output"
  node -e 'const j=JSON.parse(process.argv[1]);
    if (j.count!==2||j.vms[1].vm_node!=="pve2"||j.vms[0].vm_id!==105) process.exit(1)' "$(proto JSON)"
  [ "$(pvesim calls --count)" = 1 ]
  assert_no_mutating_calls
}

@test "list: none is COUNT 0 and an empty array" {
  run_bundle list
  [ "$status" -eq 0 ]
  [ "$(proto COUNT)" = 0 ]
  [ "$(proto JSON)" = '{"result":"SUCCESS","count":0,"vms":[]}' ]
}

@test "status of a VM on an offline node: what the cluster knows, no IP, exit 0" {
  guests "140 lost pve3 linus running"
  run_bundle status 140
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  assert_protocol
  [ "$(proto VM_NODE)" = pve3 ]
  [ "$(proto VM_IP)" = "" ]
  [[ "$stderr" == *"cannot read the config of VM 140"* ]]
}
