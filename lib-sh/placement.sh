# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_ globals set here are read by the other steps
# Placement (`--node auto`) and what a VM on another node needs: of the online nodes that have the
# storage (enabled, images content) and the bridge, the one with the most free memory, from
# /cluster/resources (already fetched) and /nodes/NODE/network of the candidates, best first.
# Uses chk_bridge_info of lib-sh/checks-env.sh, which sources this file.
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"

# place_pick_node: CFG_NODE := the chosen node (a node really named "auto" is taken as named).
place_pick_node() {
  local cands node out info msg why=()
  cands="$(pq_nodes_by_free_memory "$CFG_STORAGE" <<<"$RESOURCES_JSON")"
  if [[ "$cands" == auto ]]; then
    opt_set CFG_NODE auto
    return 0
  fi
  while read -r node info free; do
    [[ -n "$node" ]] || continue
    if [[ "$info" != 1 ]]; then
      why+=("${node}: no storage ${CFG_STORAGE}")
      continue
    fi
    out="$(chk_bridge_info "$node" "$CFG_BRIDGE")" || {
      why+=("${node}: network unreadable")
      continue
    }
    out="${out%%$'\n'*}"
    if [[ "$out" == absent ]]; then
      why+=("${node}: no bridge ${CFG_BRIDGE}")
      continue
    fi
    if [[ -n "$CFG_VLAN" ]] && ! place_vlan_mode "$node" "$out"; then
      why+=("${node}: ${CFG_BRIDGE} not VLAN aware and ${VLAN_WHY}")
      continue
    fi
    opt_set CFG_NODE "$node"
    msg="--node auto: node ${node} (${free} MiB free memory, has ${CFG_STORAGE} and ${CFG_BRIDGE})"
    log_info "${msg}${why[*]:+; skipped: ${why[*]}}"
    return 0
  done <<<"$cands"
  msg="--node auto: no online node has storage '${CFG_STORAGE}' and bridge '${CFG_BRIDGE}'"
  linus_fail 4 "${msg}${why[*]:+ (${why[*]})}" \
    "pick --storage/--bridge that a node has (pvesm status, pvesh get /nodes/NODE/network), or bring a node online"
}

# place_vlan_rule: which bridge ports Proxmox counts as physical when it plugs a tagged NIC into a
# Linux bridge that is not VLAN aware, by the installed libpve-common-perl (pve-common
# src/PVE/Network.pm activate_bridge_vlan, src/PVE/IPRoute2.pm get_physical_bridge_ports):
# before 9.1.1 the names in /sys/class/net/BR/brif/ matching ^((eth|bond)N|en*)(.N)?$ ("re");
# from 9.1.1 the ports that `ip -d -j link` shows as plain ethernet (no info_kind), from 9.1.3
# bonds too, from 9.1.4 VLAN devices too ("ip,BONDS,VLANS"). Unknown version: the current rule.
# Other nodes are taken to run the same release (a cluster is upgraded node by node, briefly).
place_vlan_rule() {
  local v maj min pat
  if [[ -z "${VLAN_RULE:-}" ]]; then
    v="$(dpkg-query -W -f '${Version}' libpve-common-perl 2>/dev/null)" || v=""
    VLAN_RULE="ip,1,1"
    if [[ "$v" =~ ^([0-9]+)\.([0-9]+)[.-]([0-9]+) ]]; then
      maj="${BASH_REMATCH[1]}" min="${BASH_REMATCH[2]}" pat="${BASH_REMATCH[3]}"
      if ((maj < 9 || (maj == 9 && (min < 1 || (min == 1 && pat < 1))))); then
        VLAN_RULE=re
      elif ((maj == 9 && min == 1 && pat < 4)); then
        VLAN_RULE="ip,$((pat >= 3 ? 1 : 0)),0"
      fi
    fi
  fi
  printf '%s\n' "$VLAN_RULE"
}

# place_vlan_ports NODE BRIDGE RULE: the ports of BRIDGE on NODE that Proxmox counts as physical
# (place_vlan_rule), space separated. This node: `ip -d -j link` (a port's `master` is its bridge,
# the same set as /sys/class/net/BRIDGE/brif/); another node: bridge_ports and the interface
# types of /nodes/NODE/network.
place_vlan_ports() {
  local json
  if [[ "$1" == "$(pve_local_node)" ]]; then
    json="$(ip -d -j link show 2>/dev/null)" || return 1
    pq_link_vlan_ports "$2" "$3" <<<"$json"
    return
  fi
  pve_get "/nodes/$1/network" || return 1
  pq_network_vlan_ports "$2" "$3" <<<"$PVE_OUT"
}

# place_vlan_mode NODE INFO: how --vlan works on CFG_BRIDGE of NODE (INFO: chk_bridge_info's
# first line, "TYPE VLAN_AWARE"). VLAN_MODE: ovs (OVS takes the tag on its port), vlan-aware, or
# bridge-vlan-device (not VLAN aware: at start Proxmox's tap_plug makes bridge BRIDGEvTAG over the
# VLAN device PORT.TAG of each physical port; VLAN_PORTS names them). 1 when it cannot: no
# physical port, where the start dies "no physical interface on bridge"; VLAN_WHY says so.
place_vlan_mode() {
  local rule
  HOST[vlan_mode]="" VLAN_PORTS="" VLAN_WHY=""
  case "${2%%$'\n'*}" in
    OVSBridge*)
      HOST[vlan_mode]=ovs
      return 0
      ;;
    "bridge 1")
      HOST[vlan_mode]=vlan-aware
      return 0
      ;;
  esac
  rule="$(place_vlan_rule)"
  if ! VLAN_PORTS="$(place_vlan_ports "$1" "$CFG_BRIDGE" "$rule")"; then
    VLAN_WHY="its ports cannot be read (${PVE_ERR:-ip link failed})"
    return 1
  fi
  if [[ -z "$VLAN_PORTS" ]]; then
    VLAN_WHY="has no physical port (Proxmox refuses the start: no physical interface on bridge '${CFG_BRIDGE}')"
    return 1
  fi
  HOST[vlan_mode]=bridge-vlan-device
}

# chk_vlan INFO: --vlan on CFG_BRIDGE of CFG_NODE (INFO as for place_vlan_mode): VLAN_MODE,
# else exit 4 with Proxmox's reason and what to change.
chk_vlan() {
  local br="$CFG_BRIDGE" tag="$CFG_VLAN" fix msg
  if ! place_vlan_mode "$CFG_NODE" "$1"; then
    fix="make ${br} VLAN aware (bridge-vlan-aware yes in its stanza of /etc/network/interfaces, then ifreload -a;"
    fix+=" or node > System > Network > ${br} > VLAN aware), give it one physical port (bridge-ports),"
    msg="bridge '${br}' on node '${CFG_NODE}' is not VLAN aware and ${VLAN_WHY}"
    linus_fail 4 "${msg}, so --vlan ${tag} cannot work" \
      "${fix} or pick a bridge that has one (--bridge)"
  fi
  case "${HOST[vlan_mode]}" in
    bridge-vlan-device)
      fix="over ${VLAN_PORTS// /, } (VLAN device ${VLAN_PORTS%% *}.${tag})"
      log_info "bridge ${br} is not VLAN aware: at start Proxmox puts VLAN ${tag} on bridge ${br}v${tag} ${fix}"
      ;;
    *) log_info "VLAN ${CFG_VLAN} on ${CFG_BRIDGE} (${HOST[vlan_mode]})" ;;
  esac
}
