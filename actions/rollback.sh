# shellcheck shell=bash
# Action rollback VMID NAME | --name VM NAME: return a VM this tool made to its snapshot NAME (disks
# and config). A VM that ran runs again afterwards; a stopped one stays stopped. An unknown NAME:
# exit 1, nothing changed.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/lifecycle.sh"

act_rollback() {
  local name want start=()
  local -A vm=() # the VM (life_vm)
  life_vm vm
  name="$CFG_SNAPSHOT"
  life_snapshots_read vm
  if ! cut -f1 <<<"$PVE_OUT" | grep -qxF -- "$name"; then
    linus_fail 1 "VM ${vm[id]} has no snapshot named ${name} (it has: $(cut -f1 <<<"$PVE_OUT" | paste -sd' '))" \
      "snapshots ${vm[id]} lists them"
  fi
  want=stopped
  [[ "${vm[status]}" != running ]] || { want=running start=(--start 1); }
  log_step rollback "rolling VM ${vm[id]} (${vm[name]:-no name}) on node ${vm[node]} back to ${name}"
  pve_run qm rollback "${vm[id]}" "$name" "${start[@]}" || linus_fail 5 \
    "qm rollback ${vm[id]} ${name} failed: ${PVE_ERR}" \
    "look at the task log on node ${vm[node]} (journalctl -u pvedaemon) and qm config ${vm[id]}"
  rollback_check vm "$name"
  life_expect vm "$want" "qm rollback"
  log_ok "VM ${vm[id]} is back at snapshot ${name} (${want})"
  life_result vm
  res_set SNAPSHOT "$name"
  res_print
}

# rollback_check REC NAME: the VM's config names NAME as its parent now (pvesh on another node
# exits 0 when the task failed); exit 5 otherwise.
rollback_check() {
  local -n _rb_vm="$1"
  [[ "${CFG_DRY_RUN:-0}" != 1 ]] || return 0
  local err="$PVE_ERR"
  act_config "$1" && [[ "$(pve_config_value parent)" == "$2" ]] && return 0
  linus_fail 5 "VM ${_rb_vm[id]} is not at snapshot ${2} after qm rollback${err:+: ${err}}" \
    "look at the task log on node ${_rb_vm[node]} (journalctl -u pvedaemon) and qm config ${_rb_vm[id]}"
}
