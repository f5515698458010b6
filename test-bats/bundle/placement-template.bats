#!/usr/bin/env bats
# --template-cache with the VM on another cluster node (--node pve2): the template is built on
# that node through pvesh (local-lvm is per node, not shared), later runs clone it there (linked),
# a failed clone is rolled back on that node and the template stays.

setup() {
  load 'bundle'
  sim_setup --nodes 3 --offline-node ''
}

# templates: "vmid node name" of the templates, one a line.
templates() {
  pvesh get /cluster/resources --type vm --output-format json |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
      for(const v of JSON.parse(s)) if(v.template) console.log(v.vmid, v.node, v.name)})'
}

# shellcheck disable=SC2154 # stderr is set by bats' run --separate-stderr (run_bundle)
ok_or_show() { [ "$status" -eq 0 ] || {
  echo "$output"
  echo "$stderr"
  false
}; }

# build_on_pve2 NAME: a first --template-cache run on pve2 (template 100, clone 101).
build_on_pve2() {
  run_bundle --template-cache --name "$1" --node pve2
  ok_or_show
}

@test "remote --template-cache: the first run builds the template on pve2 via pvesh, the next clones it (linked)" {
  build_on_pve2 t1
  assert_protocol
  [ "$(proto VM_NODE)" = pve2 ]
  [ "$(proto VM_ID)" = 101 ]
  run templates
  assert_output --regexp '^100 pve2 linus-tpl-ubuntu-24-04-[0-9a-f]{12}$'
  assert_call '^pvesh create /nodes/pve2/qemu --vmid 100 --name linus-tpl-ubuntu-24-04-[0-9a-f]{12} '
  assert_call '^pvesh create /nodes/pve2/qemu/100/template$'
  assert_call '^pvesh create /nodes/pve2/qemu/100/clone --newid 101 --name t1$'
  refute_call '^qm (create|template|clone|set|start)'
  [ "$(vm_conf 100 scsi0)" = 'local-lvm:base-100-disk-0,discard=on,iothread=1,size=3584M' ]
  [ -z "$(pvesim machine-id 100)" ] # never booted
  local first
  first="$(pvesim calls --args)"
  : >"$PVESIM_DIR/calls.jsonl"
  run_bundle --template-cache --name t2 --node pve2
  ok_or_show
  # the clone run's Proxmox calls without the polls: resources, node network, nextid, clone,
  # config (clone check), set, resize, config (size check), start; no download-url: a clone
  # needs no image
  local calls
  calls="$(pvesim calls --args | grep -E '^(qm|pvesh|pvesm|pveversion) ' | grep -vE '/status/current|/agent/')"
  echo "$calls" >&2
  [ "$(grep -c . <<<"$calls")" -le 9 ]
  refute_call 'download-url'
  grep -A1 '^pvesh create /nodes/pve2/qemu/100/clone --newid 102 ' <<<"$calls" | tail -1 |
    grep -q '^pvesh get /nodes/pve2/qemu/102/config '
  [ "$(proto VM_ID)" = 102 ]
  [ "$(vm_field 102 node)" = pve2 ]
  [ "$(vm_field 102 status)" = running ]
  [ "$(vm_conf 102 scsi0)" = 'local-lvm:vm-102-disk-0,discard=on,iothread=1,size=20G' ]
  [ "$(vm_conf 102 tags)" = 'linus;linus-from-100;os-ubuntu-24.04' ]
  [ "$(pvesim machine-id 101)" != "$(pvesim machine-id 102)" ]
  # the first run built the template and cloned it; the second only cloned; all linked, on pve2
  [ "$(grep -c '^pvesh create /nodes/pve2/qemu --vmid' <<<"$first")" = 1 ]
  [ "$(grep -c '^pvesh create /nodes/pve2/qemu/100/clone ' <<<"$first")" = 1 ]
  refute_call '^pvesh create /nodes/pve2/qemu --vmid'
  [ "$(pvesim calls --match '^pvesh create /nodes/pve2/qemu/100/clone ' --count)" = 1 ]
  [ "$(grep -cE '/clone .*--(full|target)' <<<"$first"$'\n'"$calls")" -eq 0 ]
}

@test "remote --template-cache: pve2's template (local-lvm, not shared) is not used for a VM on pve" {
  build_on_pve2 t3
  run_bundle --template-cache --name t4
  ok_or_show
  [ "$(proto VM_NODE)" = pve ]
  run templates
  [ "${#lines[@]}" -eq 2 ]
  assert_line --regexp '^100 pve2 linus-tpl-'
  assert_line --regexp '^[0-9]+ pve linus-tpl-'
  refute_call '^pvesh create /nodes/pve2/qemu/100/clone --newid [0-9]+ --name t4'
}

@test "remote clone whose configuration fails: the clone is destroyed on pve2, the template stays" {
  build_on_pve2 t5
  : >"$PVESIM_DIR/calls.jsonl"
  pvesim fault pvesh '^set /nodes/pve2/qemu/[0-9]+/config' --error 'VM is locked (clone)' >/dev/null
  run_bundle --template-cache --name t6 --node pve2
  [ "$status" -eq 5 ]
  assert_protocol
  [ "$(proto CLEANUP)" = destroyed ]
  [[ "$(proto ERROR)" == "configuring the clone 102 failed: "*"VM is locked (clone)"* ]]
  assert_call '^pvesh delete /nodes/pve2/qemu/102 '
  refute_call '^pvesh delete /nodes/pve2/qemu/100'
  run pvesim vm 102
  [ "$status" -ne 0 ]
  run templates
  assert_output --regexp '^100 pve2 linus-tpl-'
  [ "$(vm_conf 100 template)" = 1 ]
  [ "$(vm_conf 100 scsi0)" = 'local-lvm:base-100-disk-0,discard=on,iothread=1,size=3584M' ]
  # the earlier clone still works off it
  [ "$(vm_field 101 status)" = running ]
}

@test "remote clone whose task fails (pvesh exits 0, no VM): exit 5, nothing configured, the template stays" {
  build_on_pve2 t7
  : >"$PVESIM_DIR/calls.jsonl"
  pvesim fault pvesh '^create /nodes/pve2/qemu/100/clone' --exit 0 \
    --error 'clone failed: lvcreate: insufficient free space' >/dev/null
  run_bundle --template-cache --name t8 --node pve2
  [ "$status" -eq 5 ]
  assert_protocol
  local task='the task on node pve2 did not leave VM 102 present'
  [[ "$(proto ERROR)" == *"clone failed: lvcreate: insufficient free space"*"$task"* ]]
  refute_call '^pvesh (set|create) /nodes/pve2/qemu/102/'
  refute_call '^pvesh delete /nodes/pve2/qemu/100'
  run pvesim vm 102
  [ "$status" -ne 0 ]
  run templates
  assert_output --regexp '^100 pve2 linus-tpl-'
}

@test "remote template build whose template task fails (pvesh exits 0): exit 5, the half-built VM destroyed on pve2" {
  pvesim fault pvesh '^create /nodes/pve2/qemu/[0-9]+/template' --exit 0 \
    --error "you can't convert a VM to template if VM is running" >/dev/null
  run_bundle --template-cache --name t9 --node pve2
  [ "$status" -eq 5 ]
  assert_protocol
  local running="you can't convert a VM to template if VM is running"
  [[ "$(proto ERROR)" == "qm template 100 did not make a template: "*"$running"* ]]
  [ "$(proto CLEANUP)" = destroyed ]
  assert_call '^pvesh delete /nodes/pve2/qemu/100 '
  run pvesim vm 100
  [ "$status" -ne 0 ]
  run templates
  assert_output ''
  run pvesim volumes
  refute_output --partial '-100-'
}
