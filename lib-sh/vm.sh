# shellcheck shell=bash
# shellcheck disable=SC2034 # FOUND_*/VM_* globals set here are read by the actions
# Finding one VM cluster-wide (destroy, status, --reuse-existing): one /cluster/resources call,
# its config (qm; through pvesh for another node: lib-sh/pve-node.sh) and its IP, found the way
# step network finds it (steps/network.sh: the guest agent, matched by net0's MAC, else the
# host's neighbour table).
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/options.sh"
source "$(dirname "${BASH_SOURCE[0]}")/network.sh"

# act_target: the VMID (CFG_TARGET) or --name (CFG_NAME) of destroy/status, validated.
act_target() {
  if [[ -n "$CFG_TARGET" && -n "$CFG_NAME" ]]; then
    linus_fail 1 "give a VMID or --name, not both" "write: ${CFG_ACTION} VMID, or ${CFG_ACTION} --name NAME"
  fi
  [[ -n "$CFG_TARGET$CFG_NAME" ]] || linus_fail 3 "${CFG_ACTION} needs a VMID or --name NAME" "write: ${CFG_ACTION} VMID, or ${CFG_ACTION} --name NAME (list shows them)"
  opt_validate target
  opt_freeze
}

# act_resources: every guest of the cluster in RESOURCES_JSON (pve_resources: the one
# /cluster/resources read of the run, shared with step validate, template.sh and destroy).
act_resources() {
  if ! pve_resources; then
    linus_fail 4 "cannot list the cluster's guests: ${PVE_ERR}" "check pve-cluster (pvesh get /cluster/resources)"
  fi
}

# act_find ID NAME: the guest with this id, or the VM with this name (one of them empty):
# FOUND_ID FOUND_TYPE FOUND_NODE FOUND_STATUS FOUND_TEMPLATE FOUND_NAME FOUND_TAGS; 1 when absent.
# Exit 1 when a name is ambiguous.
act_find() {
  local out
  FOUND_ID="" FOUND_TYPE="" FOUND_NODE="" FOUND_STATUS="" FOUND_TEMPLATE=0 FOUND_NAME="" FOUND_TAGS=""
  act_resources
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
  out="$(pve_json 'my ($id, $name) = @ARGV;
    for (sort { $a->{vmid} <=> $b->{vmid} } @$d) {
      next if $id ne "" && ($_->{vmid} // "") ne $id;
      next if $id eq "" && (($_->{type} // "") ne "qemu" || ($_->{name} // "") ne $name);
      print join("\t", $_->{vmid}, $_->{type} // "?", $_->{node} // "?", $_->{status} // "unknown",
        $_->{template} ? 1 : 0, $_->{name} // "", $_->{tags} // ""), "\n" }' "$1" "$2" <<<"$RESOURCES_JSON")"
  [[ -n "$out" ]] || return 1
  if [[ "$out" == *$'\n'* ]]; then
    linus_fail 1 "more than one VM is named '$2': ids $(cut -f1 <<<"$out" | tr '\n' ' ')" "give the VMID instead of --name"
  fi
  IFS=$'\t' read -r FOUND_ID FOUND_TYPE FOUND_NODE FOUND_STATUS FOUND_TEMPLATE FOUND_NAME FOUND_TAGS <<<"$out"
}

# act_has_tag TAG: 0 when the found guest carries TAG.
act_has_tag() {
  [[ ";${FOUND_TAGS//[, ]/;};" == *";$1;"* ]]
}

# act_is_local: 0 when the found VM is on the node this script runs on.
act_is_local() {
  [[ "$FOUND_NODE" == "$(pve_local_node)" ]]
}

# act_on_node: qm calls from here on go to the found VM's node (PVE_REMOTE_NODE: the qm shim of
# lib-sh/pve-node.sh runs them through pvesh there when it is not this node).
act_on_node() {
  PVE_REMOTE_NODE=""
  act_is_local || PVE_REMOTE_NODE="$FOUND_NODE"
}

# act_config: the found VM's config into PVE_CONFIG (key: value lines); 1 on failure (PVE_ERR).
act_config() {
  act_on_node
  pve_config_get "$FOUND_ID"
}

# act_vm_ip: VM_IP and VM_IP_SOURCE (agent, neighbour or none) of the found VM, from its config
# in PVE_CONFIG, by step network's own functions (the neighbour table is this host's: it is
# asked only for VMs on this node).
act_vm_ip() {
  local net0
  net0="$(pve_config_value net0)"
  VM_ID="$FOUND_ID" VM_IP="" VM_IP_SOURCE=none VM_MAC=""
  [[ "$net0" =~ ([0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}) ]] && VM_MAC="${BASH_REMATCH[1],,}"
  CFG_BRIDGE="" CFG_VLAN=""
  [[ ",$net0," =~ ,bridge=([^,]+), ]] && CFG_BRIDGE="${BASH_REMATCH[1]}"
  [[ ",$net0," =~ ,tag=([0-9]+), ]] && CFG_VLAN="${BASH_REMATCH[1]}"
  [[ "$FOUND_STATUS" == running ]] || return 0
  act_on_node
  net_from_agent || { act_is_local && net_from_neighbour; } || true
}
