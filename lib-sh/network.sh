# shellcheck shell=bash
# shellcheck disable=SC2154,SC2178 # namerefs to a caller's associative array: shellcheck takes their keys for variables
# The VM's IPv4 address: from the guest agent (matched by net0's MAC), else the neighbour table
# of the VM's node.
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"

# net_now: seconds since the epoch.
net_now() { printf '%(%s)T\n' -1; }

# net_from_agent REC: [ip] and [ip_source]=agent of the VM record REC (the run's VM, or a found
# one: [id], [mac]) from `qm guest cmd ID network-get-interfaces`; 1 when not (yet) known.
net_from_agent() {
  local -n _net_vm="$1"
  local out ip
  out="$(qm guest cmd "${_net_vm[id]}" network-get-interfaces 2>/dev/null)" || return 1
  ip="$(pq_agent_ipv4 "${_net_vm[mac]:-}" <<<"$out" 2>/dev/null)" || return 1
  [[ -n "$ip" ]] || return 1
  _net_vm[ip]="$ip" _net_vm[ip_source]=agent
}

# net_neigh_read BUDGET BRIDGE VLAN: the neighbour table that knows the VM's MAC in NET_NEIGH: this host's, or
# (a VM on another node, PVE_REMOTE_NODE) that node's over the cluster's root ssh (the nodes
# trust each other's root key, as for the vendor snippet). The ssh is bounded by BUDGET seconds
# (at most 15, ConnectTimeout at most 10) so a hung one cannot eat the network timeout; when it
# fails (1), NET_NEIGH_ERR holds its last error line. Not in a subshell: it sets globals.
net_neigh_read() {
  local budget="$1" out rc=0 dev=(dev "$2")
  NET_NEIGH=""
  # a tagged VM's neighbours sit on the VLAN interface, not on the bridge itself
  [[ -n "$3" ]] && dev=()
  if [[ -z "${PVE_REMOTE_NODE:-}" ]]; then
    NET_NEIGH="$(ip neigh show "${dev[@]}" 2>/dev/null)"
    return
  fi
  ((budget > 15)) && budget=15
  ((budget < 2)) && budget=2
  pve_ssh_cmd "$PVE_REMOTE_NODE" "$((budget < 10 ? budget : 10))"
  out="$(timeout -k 2 "$budget" "${PVE_SSH_CMD[@]}" ip neigh show "${dev[@]}" </dev/null 2>&1)" || rc=$?
  if ((rc != 0)); then
    ((rc == 124 || rc == 137)) && out="no answer within ${budget}s"
    out="${out%$'\n'}"
    NET_NEIGH_ERR="${out##*$'\n'}"
    [[ -n "$NET_NEIGH_ERR" ]] || NET_NEIGH_ERR="ssh exit ${rc}"
    return 1
  fi
  NET_NEIGH_ERR="" NET_NEIGH="$out"
}

# net_from_neighbour REC BUDGET BRIDGE VLAN: [ip] and [ip_source]=neighbour of the VM record REC
# from the neighbour table entry for its [mac] (net_neigh_read; BRIDGE and VLAN are its net0's).
net_from_neighbour() {
  local -n _net_vm="$1"
  local line ip
  [[ -n "${_net_vm[mac]:-}" ]] || return 1
  net_neigh_read "${2:-15}" "$3" "${4:-}" || return 1
  while read -r line; do
    [[ "${line,,}" == *"lladdr ${_net_vm[mac]}"* ]] || continue
    ip="${line%% *}"
    [[ "$ip" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ && "$ip" != 169.254.* ]] || continue
    [[ "$line" == *FAILED* || "$line" == *INCOMPLETE* ]] && continue
    _net_vm[ip]="$ip" _net_vm[ip_source]=neighbour
    return 0
  done <<<"$NET_NEIGH"
  return 1
}
