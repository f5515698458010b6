# shellcheck shell=bash
# Action start VMID | --name NAME: start a VM this tool made (tag linus), on whichever node it is;
# one that runs already is success (LINUS_CHANGED:0).
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/lifecycle.sh"

act_start() {
  local changed=0
  local -A vm=() # the VM (life_vm)
  life_vm vm
  if [[ "${vm[status]}" != running ]]; then
    log_step start "starting VM ${vm[id]} (${vm[name]:-no name}) on node ${vm[node]}"
    pve_run qm start "${vm[id]}" || linus_fail 5 "qm start ${vm[id]} failed: ${PVE_ERR}" \
      "look at the task log on node ${vm[node]} (journalctl -u pvedaemon) and qm config ${vm[id]}"
    PVE_ERR=""
    life_expect vm running "qm start"
    changed=1
  fi
  log_ok "VM ${vm[id]} runs$( ((changed)) || echo ' (it ran already)')"
  life_result vm
  res_set_num CHANGED "$changed"
  res_print
}
