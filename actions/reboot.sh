# shellcheck shell=bash
# Action reboot VMID | --name NAME: reboot a running VM this tool made (qm reboot: a graceful
# shutdown, then a start). A stopped VM is refused (exit 1, nothing changed): start it instead.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/lifecycle.sh"

act_reboot() {
  local -A vm=() # the VM (life_vm)
  life_vm vm
  [[ "${vm[status]}" == running ]] || linus_fail 1 "VM ${vm[id]} is ${vm[status]}: there is nothing to reboot" \
    "start it: start ${vm[id]}"
  log_step reboot "rebooting VM ${vm[id]} (${vm[name]:-no name}) on node ${vm[node]}"
  pve_run qm reboot "${vm[id]}" || linus_fail 5 "qm reboot ${vm[id]} failed: ${PVE_ERR}" \
    "look at the task log on node ${vm[node]} (journalctl -u pvedaemon); stop and start it instead"
  PVE_ERR=""
  life_expect vm running "qm reboot"
  log_ok "VM ${vm[id]} rebooted"
  life_result vm
  res_print
}
