# shellcheck shell=bash
# Action snapshot VMID NAME | --name VM NAME: a snapshot NAME of a VM this tool made (its disks and
# config; not its RAM), running or not. A name it has already: exit 7; disks on a storage without
# snapshots (LVM thick, raw files on a directory storage): exit 4; nothing changed either way.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/lifecycle.sh"

act_snapshot() {
  local name count
  local -A vm=() # the VM (life_vm)
  life_vm vm
  name="$CFG_SNAPSHOT"
  life_snapshots_read vm
  if cut -f1 <<<"$PVE_OUT" | grep -qxF -- "$name"; then
    linus_fail 7 "VM ${vm[id]} has a snapshot named ${name} already" \
      "pick another name, or roll back to it: rollback ${vm[id]} ${name} (snapshots ${vm[id]} lists them)"
  fi
  log_step snapshot "taking snapshot ${name} of VM ${vm[id]} (${vm[name]:-no name}) on node ${vm[node]}"
  if ! pve_run qm snapshot "${vm[id]}" "$name"; then
    [[ "$PVE_ERR" != *"snapshot feature is not available"* ]] || linus_fail 4 \
      "the disks of VM ${vm[id]} are on a storage that cannot take snapshots (${PVE_ERR})" \
      "snapshots need lvmthin, zfspool, rbd, btrfs, or qcow2 disks on a directory storage; move the disk there"
    linus_fail 5 "qm snapshot ${vm[id]} ${name} failed: ${PVE_ERR}" \
      "look at the task log on node ${vm[node]} (journalctl -u pvedaemon) and qm config ${vm[id]}"
  fi
  count=1
  if [[ "${CFG_DRY_RUN:-0}" != 1 ]]; then
    life_snapshots_read vm
    cut -f1 <<<"$PVE_OUT" | grep -qxF -- "$name" || linus_fail 5 \
      "VM ${vm[id]} has no snapshot ${name} after qm snapshot${PVE_ERR:+: ${PVE_ERR}}" \
      "look at the task log on node ${vm[node]} (journalctl -u pvedaemon)"
    count="$(grep -c . <<<"$PVE_OUT")"
  fi
  log_ok "snapshot ${name} of VM ${vm[id]} taken"
  life_result vm
  res_set SNAPSHOT "$name"
  res_set_num SNAPSHOT_COUNT "$count"
  res_print
}
