# shellcheck shell=bash
# Step start: start the VM and check that it runs.
# Reads: VM[id], CI[from_template shared_volid] (ci_shared_restore).
# Sets: nothing (the VM runs). Dry run: start_plan.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/cloudinit.sh"

# step_start: qm start (once more after restoring a deleted template snippet, ci_shared_restore),
# then qm status must say running.
step_start() {
  local st
  log_step start "starting VM ${VM[id]}"
  if ! pve_run qm start "${VM[id]}" && ! { ci_shared_restore && pve_run qm start "${VM[id]}"; }; then
    linus_fail 5 "qm start ${VM[id]} failed: ${PVE_ERR}" \
      "look at the task log (journalctl -u pvedaemon) and qm config ${VM[id]}"
  fi
  st="$(qm status "${VM[id]}" 2>&1 || true)"
  if [[ "$st" != "status: running" ]]; then
    linus_fail 5 "VM ${VM[id]} is not running after qm start (${st//$'\n'/ })" \
      "look at the task log and qm config ${VM[id]}"
  fi
  log_ok "VM ${VM[id]} is running"
}

# start_plan: the dry run's start (logged, not run).
start_plan() {
  log_step start "starting VM ${VM[id]}"
  log_cmd qm start "${VM[id]}"
}
