#!/usr/bin/env bats
# lib-sh/pq.sh: each Proxmox query against JSON in the shapes pvesh returns (fixtures/pq/, taken
# from the simulator's answers and extended by hand along the PVE API schema: a VM with no name
# yet, a bond, a VLAN device and an OVS bridge). resources.json: nodes pve (32 GiB, 4 used),
# pve2 (64 GiB, 8 used), pve3 offline (no maxcpu/maxmem); storages local, local-lvm and the
# shared nfs1 on each (pve3's unknown); VM 100 web1 (pve), CT 101 ct1 (pve2), VM 102 db1 (pve2,
# running), VM 103 web1 (pve2, cloned from 9000), VM 104 'odd name', VM 105 without a name,
# templates 9000 (pve, vendor-local) and 9001 (pve2).
load '../helpers/common'

setup() {
  # shellcheck source=/dev/null # checked on its own
  source "$REPO_ROOT/lib-sh/pq.sh"
  FX="$REPO_ROOT/test-bats/lib/fixtures/pq"
  RES="$FX/resources.json"
}

# canon: JSON on stdin re-encoded with sorted keys (perl hashes have no fixed order).
canon() {
  node -e 'const s = (v) => Array.isArray(v) ? v.map(s) : v && typeof v === "object"
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, s(v[k])])) : v;
    process.stdout.write(JSON.stringify(s(JSON.parse(require("fs").readFileSync(0, "utf8")))))'
}

@test "pq_json: input that is not JSON, or none, fails with perl's error (255) and prints nothing else" {
  run pq_node_line pve <<<"not json"
  assert_failure 255
  assert_output "'null' expected, at character offset 0 (before \"not json\\n\") at -e line 1."
  run pq_cpu_flags </dev/null
  assert_failure 255
  assert_output --partial "malformed JSON string"
}

@test "pq_node_line: an online node, an offline one without numbers, an absent one" {
  run pq_node_line pve <"$RES"
  assert_success
  assert_output $'online 8 34359738368 4294967296\npve,pve2,pve3'
  run pq_node_line pve3 <"$RES"
  assert_output $'offline 0 0 0\npve,pve2,pve3'
  run pq_node_line auto <"$RES"
  assert_output $'absent 0 0 0\npve,pve2,pve3'
  run pq_node_line pve <<<'[{"type":"node","node":"pve"}]'
  assert_output $'unknown 0 0 0\npve'
}

@test "pq_storage_info: images storage, shared storage on an offline node, no images, absent" {
  run pq_storage_info pve local-lvm <"$RES"
  assert_success
  assert_output $'1 133143986176 lvmthin 0\nlocal-lvm,nfs1\nlocal,nfs1'
  assert_equal "$(
    pq_storage_info pve3 nfs1 <"$RES"
    printf '|'
  )" $'inactive 96636764160 nfs 1\n\n\n|'
  run pq_storage_info pve local <"$RES"
  assert_output $'0 85899345920 dir 0\nlocal-lvm,nfs1\nlocal,nfs1'
  run pq_storage_info pve2 nope <"$RES"
  assert_output $'absent\nlocal-lvm,nfs1\nlocal,nfs1'
  assert_equal "$(
    pq_storage_info pve s <<<'[{"type":"storage","node":"pve","storage":"s","status":"available"}]'
    printf '|'
  )" $'0 -1 ? 0\n\n\n|'
}

@test "pq_storage_shared: 1 for a shared storage, 0 for a local or unknown one" {
  run pq_storage_shared nfs1 <"$RES"
  assert_output 1
  run pq_storage_shared local <"$RES"
  assert_output 0
  run pq_storage_shared nope <"$RES"
  assert_output 0
}

@test "pq_iso_store: local first, else the first by name; nothing on an offline node" {
  run pq_iso_store pve2 <"$RES"
  assert_output local
  run pq_iso_store pve <<<'[{"type":"storage","node":"pve","storage":"z","status":"available","content":"iso"},
    {"type":"storage","node":"pve","storage":"b","status":"available","content":"images,iso"},
    {"type":"storage","node":"pve2","storage":"a","status":"available","content":"iso"}]'
  assert_output b
  run pq_iso_store pve3 <"$RES"
  assert_success
  assert_output ""
}

@test "pq_nodes_by_free_memory: online nodes, most free first, storage flag; a node named auto" {
  run pq_nodes_by_free_memory local-lvm <"$RES"
  assert_output $'pve2 1 57344\npve 1 28672'
  run pq_nodes_by_free_memory local <"$RES"
  assert_output $'pve2 0 57344\npve 0 28672'
  run pq_nodes_by_free_memory local-lvm <<<'[{"type":"node","node":"auto","status":"online"},
    {"type":"node","node":"pve","status":"online","maxmem":1,"mem":0}]'
  assert_output auto
  run pq_nodes_by_free_memory local <<<'[{"type":"node","node":"pve","status":"offline","maxmem":1,"mem":0}]'
  assert_output ""
}

@test "pq_guest_by_vmid: a container, a VM without a name, no guest" {
  run pq_guest_by_vmid 101 <"$RES"
  assert_output $'lxc\tpve2\tct1'
  run pq_guest_by_vmid 105 <"$RES"
  assert_output $'qemu\tpve\t'
  run pq_guest_by_vmid 999 <"$RES"
  assert_success
  assert_output ""
}

@test "pq_vm_name_holders: VMs of that name on any node, VMs without a name; containers never" {
  run pq_vm_name_holders web1 <"$RES"
  assert_output $'=100 pve\n=103 pve2\n?105 pve'
  run pq_vm_name_holders ct1 <"$RES"
  assert_output '?105 pve'
  run pq_vm_name_holders x <<<'[{"type":"lxc","vmid":101,"node":"pve"}]'
  assert_output ""
}

@test "pq_vm_by_id_or_name: by name (VMs only), by id (a container too), template, none" {
  run pq_vm_by_id_or_name "" web1 <"$RES"
  assert_output "$(printf '%s\t' 100 qemu pve stopped 0 web1)linus;sha-abc
$(printf '%s\t' 103 qemu pve2 stopped 0 web1)linus;linus-from-9000"
  run pq_vm_by_id_or_name 101 "" <"$RES"
  assert_output $'101\tlxc\tpve2\tstopped\t0\tct1\t'
  run pq_vm_by_id_or_name 9001 "" <"$RES"
  assert_output $'9001\tqemu\tpve2\tstopped\t1\ttpl2\tlinus-tpl;need-4g;sha-abc;st-local-lvm'
  run pq_vm_by_id_or_name "" ct1 <"$RES"
  assert_output ""
  run pq_vm_by_id_or_name 7 "" <<<'[{"vmid":7}]'
  assert_output $'7\t?\t?\tunknown\t0\t\t'
}

@test "pq_template_for: this node's template with vendor and size; another node's; tags any case; none" {
  run pq_template_for any pve abc local-lvm <"$RES"
  assert_output '9000 4 local'
  run pq_template_for any pve2 abc LOCAL-LVM <"$RES"
  assert_output '9001 4 '
  run pq_template_for any pve abc nfs1 <"$RES"
  assert_output ""
  run pq_template_for any pve abd local-lvm <"$RES"
  assert_output ""
  run pq_template_for any pve abc s \
    <<<'[{"type":"qemu","vmid":5,"node":"pve","template":1,"tags":"Linus-Tpl,sha-abc st-S"}]'
  assert_output '5 - '
}

@test "pq_cloned_from: 0 when a guest has tag linus-from-ID, 1 otherwise (no partial ids)" {
  run pq_cloned_from 9000 <"$RES"
  assert_success
  assert_output ""
  run pq_cloned_from 900 <"$RES"
  assert_failure 1
  run pq_cloned_from 9001 <"$RES"
  assert_failure 1
}

@test "pq_linus_vms: the list action's lines for VMs tagged linus, by id" {
  run pq_linus_vms <"$RES"
  assert_success
  assert_output "LINUS_RESULT:SUCCESS
LINUS_COUNT:3
LINUS_VM:id=100 name=web1 node=pve state=stopped template=0 tags=linus;sha-abc
LINUS_VM:id=102 name=db1 node=pve2 state=running template=0 tags=linus
LINUS_VM:id=103 name=web1 node=pve2 state=stopped template=0 tags=linus;linus-from-9000
LINUS_JSON:{\"result\":\"SUCCESS\",\"count\":3,\"vms\":[{\"vm_id\":100,\"vm_name\":\"web1\",\"vm_node\":\"pve\",\
\"vm_state\":\"stopped\",\"vm_tags\":\"linus;sha-abc\",\"vm_template\":0},{\"vm_id\":102,\"vm_name\":\"db1\",\
\"vm_node\":\"pve2\",\"vm_state\":\"running\",\"vm_tags\":\"linus\",\"vm_template\":0},{\"vm_id\":103,\
\"vm_name\":\"web1\",\"vm_node\":\"pve2\",\"vm_state\":\"stopped\",\"vm_tags\":\"linus;linus-from-9000\",\
\"vm_template\":0}]}"
  run pq_linus_vms <<<'[{"type":"qemu","vmid":7,"name":"a b","tags":"x, linus"},{"type":"lxc","vmid":8,"tags":"linus"}]'
  local vm='{"vm_id":7,"vm_name":"a b","vm_node":"","vm_state":"unknown","vm_tags":"x, linus","vm_template":0}'
  assert_output 'LINUS_RESULT:SUCCESS
LINUS_COUNT:1
LINUS_VM:id=7 name=a_b node=- state=unknown template=0 tags=x,_linus
LINUS_JSON:{"result":"SUCCESS","count":1,"vms":['"$vm"']}'
  run pq_linus_vms <<<'[{"type":"qemu","vmid":7,"tags":"linus-tpl"}]'
  assert_output $'LINUS_RESULT:SUCCESS\nLINUS_COUNT:0\nLINUS_JSON:{"result":"SUCCESS","count":0,"vms":[]}'
}

@test "pq_links_as_network: kernel bridges (VLAN filtering) and OVS devices, nothing else" {
  run bash -c "source '$REPO_ROOT/lib-sh/pq.sh'; pq_links_as_network <'$FX/ip-link.json'"
  assert_success
  local b0='{"bridge_vlan_aware":0,"iface":"vmbr0","type":"bridge"}'
  local b1='{"bridge_vlan_aware":1,"iface":"vmbr1","type":"bridge"}'
  local b9='{"bridge_vlan_aware":0,"iface":"vmbr9","type":"OVSBridge"}'
  assert_equal "$(canon <<<"$output")" "[$b0,$b1,$b9]"
  run pq_links_as_network <<<'[{"ifname":"lo","link_type":"loopback"}]'
  assert_output '[]'
}

@test "pq_bridge_info: Linux bridge, VLAN aware, OVS bridge, absent (from network and ip link)" {
  run pq_bridge_info vmbr0 <"$FX/network.json"
  assert_output $'bridge 0\nvmbr0,vmbr1,vmbr2,vmbr9'
  run pq_bridge_info vmbr1 <"$FX/network.json"
  assert_output $'bridge 1\nvmbr0,vmbr1,vmbr2,vmbr9'
  run pq_bridge_info vmbr9 <"$FX/network.json"
  assert_output $'OVSBridge 0\nvmbr0,vmbr1,vmbr2,vmbr9'
  run pq_bridge_info bond0 <"$FX/network.json"
  assert_output $'absent\nvmbr0,vmbr1,vmbr2,vmbr9'
  run bash -c "source '$REPO_ROOT/lib-sh/pq.sh'; pq_links_as_network <'$FX/ip-link.json' | pq_bridge_info vmbr1"
  assert_output $'bridge 1\nvmbr0,vmbr1,vmbr9'
}

# assert_rule_ports FN BRIDGE FILE: FN BRIDGE RULE on FILE for each RULE, against the ports a bridge
# with eno1, bond0, eno1.20 (and a tap, never counted) gets under that rule.
assert_rule_ports() {
  local rule want
  for rule in "re=bond0 eno1 eno1.20" "ip,0,0=eno1" "ip,1,0=bond0 eno1" "ip,1,1=bond0 eno1 eno1.20"; do
    want="${rule#*=}"
    run "$1" "$2" "${rule%%=*}" <"$3"
    assert_success
    assert_output "$want"
  done
}

@test "pq_link_vlan_ports: by name (re), plain ethernet, bonds, VLAN devices; never taps" {
  assert_rule_ports pq_link_vlan_ports vmbr0 "$FX/ip-link.json"
  run pq_link_vlan_ports vmbr1 re <"$FX/ip-link.json"
  assert_output 'eth7'
  run pq_link_vlan_ports vmbr9 ip,1,1 <"$FX/ip-link.json"
  assert_success
  assert_output ''
}

@test "pq_network_vlan_ports: bridge_ports by interface type; none, unknown ports, absent bridge" {
  assert_rule_ports pq_network_vlan_ports vmbr2 "$FX/network.json"
  run pq_network_vlan_ports vmbr1 ip,1,1 <"$FX/network.json"
  assert_output ''
  run pq_network_vlan_ports vmbr7 re <"$FX/network.json"
  assert_success
  assert_output ''
}

@test "pq_cpu_flags: the flags of /nodes/NODE/status; empty for another shape" {
  run pq_cpu_flags <"$FX/node-status.json"
  assert_success
  assert_output --regexp '^fpu vme de pse .* avx2 .*$'
  assert_equal "${#lines[@]}" 1
  run pq_cpu_flags <<<'[]'
  assert_output ''
  run pq_cpu_flags <<<'{"cpuinfo":{}}'
  assert_output ''
}

@test "pq_volids: every volid of a content list, one a line; none" {
  run pq_volids <"$FX/content.json"
  assert_output "local-lvm:vm-100-disk-0
local-lvm:vm-101-disk-0
local-lvm:vm-9000-disk-0
local-lvm:vm-102-disk-0
local-lvm:vm-103-disk-0
local-lvm:vm-9001-disk-0
local-lvm:vm-104-disk-0"
  run pq_volids <<<'[]'
  assert_success
  assert_output ''
}

@test "pq_vm_volids: the volids of one VM (storage: or path form), not of a VM whose id starts alike" {
  run pq_vm_volids 100 <"$FX/content.json"
  assert_output 'local-lvm:vm-100-disk-0'
  run pq_vm_volids 10 <"$FX/content.json"
  assert_output ''
  run pq_vm_volids 5 \
    <<<'[{"volid":"local:5/vm-5-disk-0.qcow2"},{"volid":"nfs:vm-5-cloudinit"},{"volid":"x:vm-55-disk-0"}]'
  assert_output 'local:5/vm-5-disk-0.qcow2 nfs:vm-5-cloudinit'
  run pq_vm_volids 5 <<<'{"errors":1}'
  assert_success
  assert_output ''
}

@test "pq_qm_status: 'status: X' as qm prints it; unknown when missing" {
  run pq_qm_status <"$FX/qm-status.json"
  assert_output 'status: stopped'
  run pq_qm_status <<<'{}'
  assert_output 'status: unknown'
}

@test "pq_qm_config: sorted key: value lines without digest; empty config" {
  run pq_qm_config <"$FX/qm-config.json"
  assert_output 'agent: 1
cores: 2
memory: 2048
name: web1
net0: virtio=BC:24:11:00:00:64,bridge=vmbr0
scsi0: local-lvm:vm-100-disk-0,size=8G
tags: linus;sha-abc'
  run pq_qm_config <<<'{"digest":"abc"}'
  assert_success
  assert_output ''
}

@test "pq_config_name: the name, no newline; empty without one" {
  assert_equal "$(
    pq_config_name <"$FX/qm-config.json"
    printf '|'
  )" 'web1|'
  assert_equal "$(
    pq_config_name <<<'{"cores":2}'
    printf '|'
  )" '|'
}

@test "pq_agent_result: the unwrapped result, pretty with sorted keys; an answer without result as it is" {
  run pq_agent_result <<<'{"result":{"b":1,"a":[2]}}'
  assert_output '{
   "a" : [
      2
   ],
   "b" : 1
}'
  run pq_agent_result <<<'{"error":"x"}'
  assert_output '{
   "error" : "x"
}'
  run pq_agent_result <"$FX/agent-ifaces.json"
  assert_success
  assert_line --index 0 '['
  assert_line --index 2 '      "hardware-address" : "00:00:00:00:00:00",'
}

@test "pq_agent_ipv4: the IPv4 of the MAC's interface (any case), of any interface, none" {
  local ifs
  ifs="$(pq_agent_result <"$FX/agent-ifaces.json")"
  run pq_agent_ipv4 BC:24:11:00:00:68 <<<"$ifs"
  assert_output '10.233.0.11'
  run pq_agent_ipv4 "" <<<"$ifs"
  assert_output '10.233.0.11'
  run pq_agent_ipv4 aa:bb:cc:dd:ee:ff <<<"$ifs"
  assert_success
  assert_output ''
  run pq_agent_ipv4 "" <<<'[{"name":"docker0","ip-addresses":[{"ip-address":"172.17.0.1","ip-address-type":"ipv4"}]},
    {"name":"eth0","ip-addresses":[{"ip-address":"169.254.1.1","ip-address-type":"ipv4"},
      {"ip-address":"fe80::1","ip-address-type":"ipv6"},{"ip-address":"10.0.0.9","ip-address-type":"ipv4"}]}]'
  assert_output '10.0.0.9'
  run pq_agent_ipv4 "" <<<'{"error":"not running"}'
  assert_output ''
}
