# shellcheck shell=bash
# shellcheck disable=SC2154,SC2178 # namerefs to a caller's associative array: shellcheck takes their keys for variables
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
  [[ -n "$CFG_TARGET$CFG_NAME" ]] || linus_fail 3 "${CFG_ACTION} needs a VMID or --name NAME" \
    "write: ${CFG_ACTION} VMID, or ${CFG_ACTION} --name NAME (list shows them)"
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

# act_find REC ID NAME: the guest with this id, or the VM with this name (one of them empty), into
# the caller's associative array REC: [id] [type] [node] [status] [template] [name] [tags];
# 1 when absent. Exit 1 when a name is ambiguous.
act_find() {
  local -n _act_vm="$1"
  local out f
  _act_vm=([id]="" [type]="" [node]="" [status]="" [template]=0 [name]="" [tags]="")
  act_resources
  out="$(pq_vm_by_id_or_name "$2" "$3" <<<"$RESOURCES_JSON")"
  [[ -n "$out" ]] || return 1
  if [[ "$out" == *$'\n'* ]]; then
    linus_fail 1 "more than one VM is named '$3': ids $(cut -f1 <<<"$out" | tr '\n' ' ')" \
      "give the VMID instead of --name"
  fi
  IFS=$'\t' read -r -a f <<<"$out"
  _act_vm=([id]="${f[0]}" [type]="${f[1]}" [node]="${f[2]}" [status]="${f[3]}" [template]="${f[4]}"
    [name]="${f[5]:-}" [tags]="${f[6]:-}")
}

# act_has_tag REC TAG: 0 when the found guest REC carries TAG.
act_has_tag() {
  local -n _act_vm="$1"
  [[ ";${_act_vm[tags]//[, ]/;};" == *";$2;"* ]]
}

# act_is_local REC: 0 when the found VM REC is on the node this script runs on.
act_is_local() {
  local -n _act_vm="$1"
  [[ "${_act_vm[node]}" == "$(pve_local_node)" ]]
}

# act_on_node REC: qm calls from here on go to the found VM's node (PVE_REMOTE_NODE: the qm shim of
# lib-sh/pve-node.sh runs them through pvesh there when it is not this node).
act_on_node() {
  local -n _act_vm="$1"
  PVE_REMOTE_NODE=""
  act_is_local "$1" || PVE_REMOTE_NODE="${_act_vm[node]}"
}

# act_config REC: the found VM's config into PVE_CONFIG (key: value lines); 1 on failure (PVE_ERR).
act_config() {
  local -n _act_vm="$1"
  act_on_node "$1"
  pve_config_get "${_act_vm[id]}"
}

# act_vm_ip REC: into the found VM REC, from its config in PVE_CONFIG: [mac] [bridge] [vlan] of
# net0 and [ip] [ip_source] (agent, neighbour or none), by step network's own functions (the
# neighbour table is this host's: it is asked only for VMs on this node).
act_vm_ip() {
  local -n _act_vm="$1"
  local net0
  net0="$(pve_config_value net0)"
  _act_vm[ip]="" _act_vm[ip_source]=none _act_vm[mac]="" _act_vm[bridge]="" _act_vm[vlan]=""
  [[ "$net0" =~ ([0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}) ]] && _act_vm[mac]="${BASH_REMATCH[1],,}"
  [[ ",$net0," =~ ,bridge=([^,]+), ]] && _act_vm[bridge]="${BASH_REMATCH[1]}"
  [[ ",$net0," =~ ,tag=([0-9]+), ]] && _act_vm[vlan]="${BASH_REMATCH[1]}"
  [[ "${_act_vm[status]}" == running ]] || return 0
  act_on_node "$1"
  net_from_agent "$1" ||
    { act_is_local "$1" && net_from_neighbour "$1" 15 "${_act_vm[bridge]}" "${_act_vm[vlan]}"; } || true
}
