# shellcheck shell=bash
# Action stop VMID | --name NAME [--timeout S]: shut a VM this tool made down gracefully (guest
# agent or ACPI, up to S seconds, default 60), then force it off if it is still running.
# LINUS_STOP_MODE: graceful, forced, or none (it was stopped already).
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/lifecycle.sh"

act_stop() {
  local mode=none limit
  local -A vm=() # the VM (life_vm)
  life_vm vm
  limit="${CFG_TIMEOUT:-60}"
  if [[ "${vm[status]}" != stopped ]]; then
    log_step stop "shutting VM ${vm[id]} (${vm[name]:-no name}) down on node ${vm[node]} (up to ${limit}s)"
    mode=graceful
    if ! pve_run qm shutdown "${vm[id]}" --timeout "$limit" || ! life_is vm stopped; then
      log_warn "VM ${vm[id]} did not shut down within ${limit}s${PVE_ERR:+ (${PVE_ERR})}: forcing it off"
      mode=forced
      pve_run qm stop "${vm[id]}" || linus_fail 5 "qm stop ${vm[id]} failed: ${PVE_ERR}" \
        "look at the task log on node ${vm[node]} (journalctl -u pvedaemon) and qm config ${vm[id]}"
      PVE_ERR=""
      life_expect vm stopped "qm stop"
    fi
  fi
  vm[status]=stopped
  log_ok "VM ${vm[id]} is stopped (${mode})"
  life_result vm
  res_set STOP_MODE "$mode"
  res_print
}
