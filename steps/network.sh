# shellcheck shell=bash
# Step network: find the VM's IPv4 address (static: known; else the guest agent, matched by
# net0's MAC, with the neighbour table of the VM's node as the fallback).
# Reads: CFG_IP CFG_BRIDGE CFG_VLAN CFG_NETWORK_TIMEOUT, VM[id mac], HOST[snippet_store],
#   PVE_REMOTE_NODE.
# Sets: VM[ip ip_source]. Dry run: network_plan.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/network.sh"

# step_network: VM[ip ip_source], waiting up to --network-timeout (exit 6).
step_network() {
  local start now table ssh_warned=0 polls=0 grace="${LINUS_NEIGHBOUR_GRACE:-20}"
  log_step network "finding the VM's IP address"
  network_static && return 0
  network_table table
  [[ -n "${HOST[snippet_store]:-}" ]] ||
    log_warn "no storage has snippets content: the guest agent is not installed; the IP comes from ${table}"
  NET_NEIGH_ERR=""
  start="$(net_now)" now="$start"
  # with the agent coming (vendor snippet), its answer is preferred for a grace period
  [[ -n "${HOST[snippet_store]:-}" ]] || grace=0
  while :; do
    if net_from_agent VM || { ((now - start >= grace)) &&
      net_from_neighbour VM "$((CFG_NETWORK_TIMEOUT - (now - start)))" "$CFG_BRIDGE" "$CFG_VLAN"; }; then
      log_ok "IP address ${VM[ip]} (source: ${VM[ip_source]}) after $((now - start))s"
      return 0
    fi
    if [[ -n "$NET_NEIGH_ERR" && "$ssh_warned" == 0 ]]; then
      log_warn "cannot read ${table}: ${NET_NEIGH_ERR}"
      ssh_warned=1
    fi
    now="$(net_now)"
    if ((now - start >= CFG_NETWORK_TIMEOUT)); then break; fi
    log_progress "waiting for the VM's IP address (guest agent, neighbour table)" "$((now - start))" \
      "$CFG_NETWORK_TIMEOUT"
    pve_poll_sleep "$((++polls))"
  done
  network_fail "$table"
}

# network_static: with --ip the address is known (VM[ip], source static); 1 for DHCP.
network_static() {
  [[ "$CFG_IP" != dhcp ]] || return 1
  VM[ip]="${CFG_IP%/*}" VM[ip_source]=static
  log_ok "static address ${VM[ip]}"
}

# network_plan: the dry run's network step: the queries it would make.
network_plan() {
  log_step network "finding the VM's IP address"
  network_static && return 0
  log_cmd qm guest cmd "${VM[id]}" network-get-interfaces
  if [[ -n "${PVE_REMOTE_NODE:-}" ]]; then
    pve_ssh_cmd "$PVE_REMOTE_NODE"
    log_cmd "${PVE_SSH_CMD[@]}" ip neigh show dev "$CFG_BRIDGE"
  else
    log_cmd ip neigh show dev "$CFG_BRIDGE"
  fi
}

# network_table VAR: which neighbour table the fallback reads, for messages, into VAR.
network_table() {
  local t="the host's neighbour table"
  [[ -z "${PVE_REMOTE_NODE:-}" ]] || t="node ${PVE_REMOTE_NODE}'s neighbour table (over ssh)"
  printf -v "$1" '%s' "$t"
}

# network_fail TABLE: no address within --network-timeout: exit 6 with what to check.
network_fail() {
  local table="$1" cause="" remedy agent
  remedy="check that DHCP serves bridge ${CFG_BRIDGE}${CFG_VLAN:+ VLAN ${CFG_VLAN}}, watch the boot on the"
  remedy+=" console (qm terminal ${VM[id]}), or use --ip with --gateway"
  agent="enable snippets content on a storage (pvesm set local --content iso,vztmpl,backup,snippets) so the"
  agent+=" guest agent gets installed, or use --ip with --gateway"
  [[ -n "${HOST[snippet_store]:-}" ]] || remedy="${agent}; ${remedy}"
  if [[ -n "$NET_NEIGH_ERR" ]]; then
    cause=" (${table} could not be read: ${NET_NEIGH_ERR})"
    remedy="check root ssh from this node to ${PVE_REMOTE_NODE} (ssh root@${PVE_REMOTE_NODE} true; pvecm"
    remedy+=" updatecerts), or use --ip with --gateway; ${remedy}"
  fi
  linus_fail 6 "VM ${VM[id]} reported no IPv4 address within ${CFG_NETWORK_TIMEOUT}s${cause}" "$remedy"
}
