#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# destroy VMID | --name NAME on the simulator: only VMs with tag linus, never a template in use,
# an absent VM is success, a VM on another node goes through pvesh.

setup() {
  load 'actions'
  sim_setup --nodes 3
}

@test "destroy by id: stops, destroys with purge and unreferenced disks, removes our state files" {
  guests "105 web1 pve linus running"
  mkdir -p "$LINUS_STATE_DIR/known_hosts" "$LINUS_STATE_DIR/passwords"
  touch "$LINUS_STATE_DIR/known_hosts/105" "$LINUS_STATE_DIR/passwords/vm-105.password" \
    "$LINUS_STATE_DIR/known_hosts/106"
  run_bundle destroy 105
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  assert_protocol
  [ "$(proto RESULT)" = SUCCESS ]
  [ "$(proto VM_ID)" = 105 ]
  [ "$(proto VM_STATE)" = destroyed ]
  assert_call '^qm stop 105$'
  assert_call '^qm destroy 105 --purge 1 --destroy-unreferenced-disks 1$'
  [ -z "$(pvesm list local-lvm --vmid 105 | tail -n +2)" ]
  [ ! -e "$LINUS_STATE_DIR/known_hosts/105" ]
  [ ! -e "$LINUS_STATE_DIR/passwords/vm-105.password" ]
  [ -e "$LINUS_STATE_DIR/known_hosts/106" ]
  [ "$(pvesim calls --tool pvesh --match 'cluster/resources' --count)" = 1 ]
}

@test "destroy --name of a stopped VM: no stop, one destroy" {
  guests "107 db1 pve linus stopped"
  run_bundle destroy --name db1
  [ "$status" -eq 0 ]
  [ "$(proto VM_ID)" = 107 ]
  refute_call '^qm stop'
  assert_call '^qm destroy 107 '
}

@test "destroy of a VM on another node: pvesh stop and delete on that node, then verified" {
  guests "110 far pve2 linus running"
  run_bundle destroy --name far
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ "$(proto VM_NODE)" = pve2 ]
  assert_call '^pvesh create /nodes/pve2/qemu/110/status/stop'
  assert_call '^pvesh delete /nodes/pve2/qemu/110 --purge 1 --destroy-unreferenced-disks 1'
  refute_call '^qm (stop|destroy)'
  run pvesh get /nodes/pve2/qemu/110/config
  [ "$status" -ne 0 ]
}

@test "destroy: a VM without tag linus is refused (exit 1), nothing changed" {
  guests "120 theirs pve - running"
  run_bundle destroy 120
  assert_failure_code 1
  [[ "$(proto ERROR)" == *"no tag 'linus'"* ]]
  [[ "$(proto REMEDIATION)" == *"list"* ]]
  assert_no_mutating_calls
  [ "$(vm_field 120 status)" = running ]
}

@test "destroy: a container is refused (exit 1)" {
  pvesim guest add 121 --type lxc --name ct1 --tags linus >/dev/null
  clear_calls
  run_bundle destroy 121
  assert_failure_code 1
  [[ "$(proto ERROR)" == *container* ]]
  assert_no_mutating_calls
}

@test "destroy: a template that clones still use is refused (exit 1); unused it goes" {
  qm create 150 --name tpl --tags 'linus;linus-tpl' --scsi0 local-lvm:1 >/dev/null 2>&1
  qm template 150 >/dev/null 2>&1
  guests "151 c1 pve linus;linus-from-150 stopped"
  run_bundle destroy 150
  assert_failure_code 1
  [[ "$(proto ERROR)" == *"template that clones still use"* ]]
  assert_no_mutating_calls
  # the clone check reads the same /cluster/resources as the lookup: one call
  [ "$(pvesim calls --tool pvesh --match 'cluster/resources' --count)" = 1 ]
  pvesim guest remove 151 >/dev/null
  run_bundle destroy 150
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  assert_call '^qm destroy 150 '
}

@test "destroy: an absent VM is success and says so; no mutating call" {
  run_bundle destroy 4242
  [ "$status" -eq 0 ]
  assert_protocol
  [ "$(proto RESULT)" = SUCCESS ]
  [ "$(proto VM_STATE)" = absent ]
  [[ "$stderr" == *"does not exist"* ]]
  run_bundle destroy --name nosuch
  [ "$status" -eq 0 ]
  [ "$(proto VM_STATE)" = absent ]
  assert_no_mutating_calls
}

@test "destroy: bad or missing target (exit 1 / 3), nothing called" {
  run_bundle destroy abc
  assert_failure_code 1
  run_bundle destroy --name bad_name
  assert_failure_code 1
  run_bundle destroy 105 --name web1
  assert_failure_code 1
  run_bundle destroy
  assert_failure_code 3
  [ -z "$(pvesim calls --args)" ]
}

@test "destroy: a Proxmox failure is exit 5 with its text on one line" {
  guests "130 web3 pve linus stopped"
  pvesim fault qm '^destroy 130' --error 'storage is locked' >/dev/null
  run_bundle destroy 130
  assert_failure_code 5
  [[ "$(proto ERROR)" == *"destroying VM 130 on node pve failed: storage is locked"* ]]
}

@test "destroy on another node: a task that failed (pvesh exit 0) is caught by the check (exit 5)" {
  guests "131 far2 pve2 linus stopped"
  pvesim fault pvesh '^delete /nodes/pve2/qemu/131' --error 'lock timeout' --exit 0 >/dev/null
  run_bundle destroy 131
  assert_failure_code 5
  [[ "$(proto ERROR)" == *"destroying VM 131 on node pve2 failed"* ]]
}

@test "destroy --dry-run: DRY_RUN, the commands on stderr, nothing changed" {
  guests "140 web4 pve linus running"
  run_bundle destroy 140 --dry-run
  [ "$status" -eq 0 ]
  assert_protocol
  [ "$(proto RESULT)" = DRY_RUN ]
  [[ "$stderr" == *"qm destroy 140 --purge 1 --destroy-unreferenced-disks 1"* ]]
  assert_no_mutating_calls
}

@test "destroy of a provisioned VM also removes its vendor snippet, and only its own" {
  run_bundle --name snip1
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  id="$(proto VM_ID)"
  snippet="$(pvesm path "local:snippets/linus-${id}-vendor.yaml")"
  [ -s "$snippet" ]
  other="$(dirname "$snippet")/user-own.yaml"
  echo keep >"$other"
  run_bundle destroy "$id"
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ ! -e "$snippet" ]
  [ -e "$other" ]
}
