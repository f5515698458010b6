# shellcheck shell=bash
# shellcheck disable=SC2154,SC2178 # namerefs to a caller's associative array: shellcheck takes their keys for variables
# The day-2 actions' common part (start, stop, reboot, snapshot, rollback, snapshots): the VM of
# VMID or --name, cluster-wide, refused unless this tool made it; its state read back after a
# change (pvesh runs another node's tasks and exits 0 even when they fail: the state is the proof);
# the result lines.
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/vm.sh"

# life_vm REC: the VM of this action into the caller's associative array REC (act_find's keys);
# exit 1 when absent, a container, a template or a VM without the tag linus. Nothing is changed.
# Its qm calls go to its node from here on (act_on_node).
life_vm() {
  local -n _life_vm="$1"
  local what
  LINUS_STEP="$CFG_ACTION"
  life_options
  act_target
  what="with id ${CFG_TARGET}"
  [[ -n "$CFG_TARGET" ]] || what="named ${CFG_NAME}"
  act_find "$1" "$CFG_TARGET" "$CFG_NAME" || linus_fail 1 "no VM ${what} in this cluster" \
    "check the id or name: list shows the VMs of this tool (pvesh get /cluster/resources --type vm shows all)"
  if [[ "${_life_vm[type]}" != qemu ]]; then
    linus_fail 1 "guest ${_life_vm[id]} on node ${_life_vm[node]} is a container, not a VM made by linus-provision" \
      "use pct for containers"
  fi
  if ! act_has_tag "$1" linus; then
    what="VM ${_life_vm[id]} (${_life_vm[name]:-no name}) on node ${_life_vm[node]} has no tag 'linus'"
    linus_fail 1 "${what}: it was not made by linus-provision, so it is left alone" \
      "check the id (list shows the VMs of this tool); use qm on node ${_life_vm[node]} for other VMs"
  fi
  if [[ "${_life_vm[template]}" == 1 ]]; then
    linus_fail 1 "VM ${_life_vm[id]} is a template: it does not run and is not snapshotted" \
      "act on a clone of it (list shows them)"
  fi
  act_on_node "$1"
}

# life_options: the action's own options, checked before act_target freezes them: stop's
# --timeout, the snapshot name of snapshot and rollback (exit 3 when missing).
life_options() {
  case "$CFG_ACTION" in
    stop) opt_validate stop ;;
    snapshot | rollback)
      # `snapshot NAME --name VM`: the word came before --name, so it was taken for the VMID
      if [[ -n "$CFG_NAME" && -n "$CFG_TARGET" && -z "$CFG_SNAPSHOT" ]]; then
        opt_set CFG_SNAPSHOT "$CFG_TARGET"
        opt_set CFG_TARGET ""
      fi
      [[ -n "$CFG_SNAPSHOT" ]] || linus_fail 3 "${CFG_ACTION} needs a snapshot name" \
        "write: ${CFG_ACTION} VMID NAME, or ${CFG_ACTION} --name VM NAME (snapshots VMID lists them)"
      opt_validate snapshot
      ;;
  esac
  return 0
}

# life_state REC: the VM's state now (running, stopped, ...) into REC[status]; 1 when unreadable.
life_state() {
  local -n _life_vm="$1"
  local st
  st="$(qm status "${_life_vm[id]}" 2>&1)" || {
    PVE_ERR="$st"
    return 1
  }
  _life_vm[status]="${st#status: }"
}

# life_is REC STATE: 0 when the VM is in STATE now (REC[status] read again; a dry run changed
# nothing, so it is taken as done).
life_is() {
  local -n _life_vm="$1"
  [[ "${CFG_DRY_RUN:-0}" != 1 ]] || return 0
  life_state "$1" || _life_vm[status]=unknown
  [[ "${_life_vm[status]}" == "$2" ]]
}

# life_expect REC STATE WHAT: after WHAT, the VM must be in STATE, else exit 5 with the task's error.
life_expect() {
  local -n _life_vm="$1"
  life_is "$1" "$2" && return 0
  linus_fail 5 "VM ${_life_vm[id]} is ${_life_vm[status]} after ${3}${PVE_ERR:+: ${PVE_ERR}}" \
    "look at the task log on node ${_life_vm[node]} (journalctl -u pvedaemon) and qm config ${_life_vm[id]}"
}

# life_result REC: the SUCCESS (dry run: DRY_RUN) lines of REC: action, id, name, node, state; the
# caller adds its own lines, then res_print.
life_result() {
  local -n _life_vm="$1"
  res_reset
  res_set RESULT "$([[ "${CFG_DRY_RUN:-0}" == 1 ]] && echo DRY_RUN || echo SUCCESS)"
  res_set ACTION "$CFG_ACTION"
  res_set_num VM_ID "${_life_vm[id]}"
  res_set VM_NAME "${_life_vm[name]}"
  res_set VM_NODE "${_life_vm[node]}"
  res_set VM_STATE "${_life_vm[status]}"
}

# life_snapshots_read REC [json]: the VM's snapshots into PVE_OUT, one a line: NAME TAB SNAPTIME TAB
# PARENT TAB VMSTATE TAB DESCRIPTION, oldest first (pq_snapshots); with json, Proxmox's answer as it
# came. Exit 5 when it cannot be read.
life_snapshots_read() {
  local -n _life_vm="$1"
  pve_get "/nodes/${_life_vm[node]}/qemu/${_life_vm[id]}/snapshot" || linus_fail 5 \
    "cannot list the snapshots of VM ${_life_vm[id]} on node ${_life_vm[node]}: ${PVE_ERR}" \
    "check it with pvesh get /nodes/${_life_vm[node]}/qemu/${_life_vm[id]}/snapshot"
  [[ "${2:-}" == json ]] || PVE_OUT="$(pq_snapshots <<<"$PVE_OUT")"
}
