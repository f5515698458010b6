# shellcheck shell=bash
# Rollback journal: every artefact a run creates is recorded the moment it exists, and undone
# in reverse order when the run fails (unless --keep-on-failure). Temporary files are removed
# at the end of every run, success or not.
#   rb_add vm ID     a VM (stopped, then destroyed with --purge and its unreferenced disks)
#   rb_add vmnew ID:NAME  a `qm create` under way (interrupted): undone only if VM ID exists with
#                    this NAME and the tag linus, so a VM another tool created with that id is never touched
#   rb_add vmcrash ID:STORAGE  a VM our `qm create` left half-made (lock: create): unlocked,
#                    destroyed with purge, and its leftover vm-ID-* volumes on STORAGE freed
#   rb_add file PATH a file that stays on success (e.g. the cloud-init vendor snippet)
#   rb_add nodefile NODE:PATH  such a file on another cluster node (removed over root ssh)
#   rb_add tmp PATH  a temporary file, removed at exit in any case
source "$(dirname "${BASH_SOURCE[0]}")/logging.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"

rb_reset() {
  RB_JOURNAL=()
}

rb_add() {
  [[ -n "${RB_JOURNAL+x}" ]] || RB_JOURNAL=()
  RB_JOURNAL+=("$1:$2")
}

# rb_forget KIND VALUE: drop one entry (e.g. a file removed on purpose).
rb_forget() {
  local e kept=()
  for e in "${RB_JOURNAL[@]+"${RB_JOURNAL[@]}"}"; do
    [[ "$e" == "$1:$2" ]] || kept+=("$e")
  done
  RB_JOURNAL=("${kept[@]+"${kept[@]}"}")
}

# rb_has_undo: 0 when something other than temp files would be undone.
rb_has_undo() {
  local e
  for e in "${RB_JOURNAL[@]+"${RB_JOURNAL[@]}"}"; do
    [[ "$e" == tmp:* ]] || return 0
  done
  return 1
}

# rb_describe: one line naming what the journal holds (temp files left out).
rb_describe() {
  local e parts=()
  for e in "${RB_JOURNAL[@]+"${RB_JOURNAL[@]}"}"; do
    case "$e" in
      vm:*) parts+=("VM ${e#vm:}") ;;
      vmnew:*) parts+=("VM ${e#vmnew:}") ;;
      vmcrash:*) e="${e#vmcrash:}" && parts+=("VM ${e%%:*} (left locked by a crashed qm create)") ;;
      file:*) parts+=("file ${e#file:}") ;;
      nodefile:*) parts+=("file ${e#nodefile:}") ;;
    esac
  done
  local IFS=','
  printf '%s\n' "${parts[*]}"
}

# rb_remedy: the commands that remove what the journal still holds, newest first, joined with "; ".
# rb_destroy_cmd ID: the command that removes VM ID with its disks, for the messages.
rb_destroy_cmd() {
  printf 'qm destroy %s --purge 1 --destroy-unreferenced-disks 1' "$1"
}

rb_remedy() {
  local i e id out=""
  for ((i = ${#RB_JOURNAL[@]} - 1; i >= 0; i--)); do
    e="${RB_JOURNAL[i]}"
    case "$e" in
      vmcrash:*)
        id="${e#vmcrash:}" && id="${id%%:*}"
        out+="${out:+; }qm unlock ${id}; $(rb_destroy_cmd "$id"); pvesm list ${e##*:} --vmid ${id}"
        ;;
      vm:* | vmnew:*)
        id="${e#*:}" && id="${id%%:*}"
        out+="${out:+; }qm stop ${id}; $(rb_destroy_cmd "$id") --skiplock 1"
        ;;
      file:*) out+="${out:+; }rm -f ${e#file:}" ;;
      nodefile:*) e="${e#nodefile:}" && out+="${out:+; }ssh root@${e%%:*} rm -f ${e#*:}" ;;
    esac
  done
  printf '%s\n' "$out"
}

# rb_undo_entry ENTRY: undo one journal entry: 0 done, 1 the undo failed, 2 not undone here (kept).
# A crashed create's removed volumes are left in RB_GONE.
rb_undo_entry() {
  local e="$1"
  case "$e" in
    vm:*) rb_undo_vm "${e#vm:}" || return 1 ;;
    vmcrash:*) rb_undo_crashed "${e#vmcrash:}" || return 1 ;;
    vmnew:*) ! rb_is_ours "${e#vmnew:}" || rb_undo_vm "${e#vmnew:}" || return 1 ;;
    file:*)
      log_info "rollback: removing ${e#file:}"
      rm -f -- "${e#file:}" || return 1
      ;;
    nodefile:*) rb_undo_nodefile "${e#nodefile:}" || return 1 ;;
    *) return 2 ;;
  esac
}

# rb_undo: undo every non-temp entry, newest first; 1 if any undo failed (those entries stay).
rb_undo() {
  local i e r rc=0 left=() removed=()
  for ((i = ${#RB_JOURNAL[@]} - 1; i >= 0; i--)); do
    e="${RB_JOURNAL[i]}" r=0 RB_GONE=""
    rb_undo_entry "$e" || r=$?
    ((r == 0)) || left+=("$e")
    ((r != 1)) || rc=1
    [[ -z "$RB_GONE" ]] || removed+=("$RB_GONE")
  done
  RB_JOURNAL=("${left[@]+"${left[@]}"}")
  # what a crashed create left and the rollback removed, for the run's result
  local IFS=';'
  [[ ${#removed[@]} -eq 0 ]] || LINUS_FAIL_EXTRA+=("CLEANUP_REMOVED=${removed[*]}")
  return "$rc"
}

# rb_vols ID STORAGE: the volids of VM ID on STORAGE of the VM's node, space separated.
rb_vols() {
  local out
  out="$(pvesh get "/nodes/${PVE_REMOTE_NODE:-$(pve_local_node)}/storage/$2/content" --vmid "$1" \
    --output-format json 2>/dev/null)" || return 0
  pq_vm_volids "$1" <<<"$out"
}

# rb_undo_crashed ID:STORAGE: a VM our create left half-made (lock: create): unlock, destroy with
# purge and its unreferenced disks, then free any vm-ID-* volume still on STORAGE (pvesm free,
# this node). RB_GONE names what went; 1 when something is left.
rb_undo_crashed() {
  local id="${1%%:*}" store="${1#*:}" vols v gone
  log_info "rollback: VM ${id} was left locked by a crashed qm create: unlocking and destroying it"
  vols="$(rb_vols "$id" "$store")"
  qm unlock "$id" >&2 || true
  if ! qm destroy "$id" --purge 1 --destroy-unreferenced-disks 1 >&2 &&
    ! qm config "$id" 2>&1 >/dev/null | grep -q 'does not exist'; then
    log_error "rollback: could not destroy VM ${id}; remove it with: qm unlock ${id}; $(rb_destroy_cmd "$id")"
    return 1
  fi
  for v in $(rb_vols "$id" "$store"); do
    log_info "rollback: freeing leftover volume ${v}"
    if [[ -n "${PVE_REMOTE_NODE:-}" ]] || ! pvesm free "$v" >&2; then
      log_error "rollback: could not free ${v}; remove it with:" \
        "pvesm free ${v} (on node ${PVE_REMOTE_NODE:-$(pve_local_node)})"
      return 1
    fi
  done
  # a destroy that exited 0 but left the config (checked, as PVE 8 exits 0 on some failures)
  if qm config "$id" >/dev/null 2>&1 && ! qm destroy "$id" --purge 1 >&2; then
    log_error "rollback: VM ${id} is still there; remove it with: qm destroy ${id} --purge 1"
    return 1
  fi
  gone="VM ${id} (lock: create)"
  for v in $vols; do gone+=", volume ${v}"; done
  RB_GONE="$gone"
}

# rb_is_ours ID:NAME: 0 when VM ID exists, is named NAME and carries the tag linus.
rb_is_ours() {
  local id="${1%%:*}" name="${1#*:}" conf
  conf="$(qm config "$id" 2>/dev/null)" || return 1
  grep -qx "name: ${name}" <<<"$conf" && grep -qE '^tags: (.*[;, ])?linus([;, ].*)?$' <<<"$conf"
}

# rb_undo_vm ID: stop (quiet when not running) and destroy with its disks.
rb_undo_vm() {
  local id="${1%%:*}"
  log_info "rollback: stopping and destroying VM $id"
  qm stop "$id" >&2 || true
  if qm destroy "$id" --purge 1 --destroy-unreferenced-disks 1 >&2; then
    return 0
  fi
  # a VM still locked by an interrupted create: root may skip the lock
  if qm destroy "$id" --purge 1 --destroy-unreferenced-disks 1 --skiplock 1 >&2; then
    return 0
  fi
  # a VM that does not exist (e.g. its create failed) is removed
  if qm config "$id" 2>&1 >/dev/null | grep -q 'does not exist'; then
    log_info "rollback: VM $id does not exist; nothing to remove"
    return 0
  fi
  log_error "rollback: could not destroy VM $id; remove it with: $(rb_destroy_cmd "$id")"
  return 1
}

# rb_undo_nodefile NODE:PATH: remove a file on another node over the cluster's root ssh.
rb_undo_nodefile() {
  local node="${1%%:*}" path="${1#*:}"
  log_info "rollback: removing ${path} on node ${node}"
  pve_ssh_cmd "$node"
  "${PVE_SSH_CMD[@]}" "rm -f -- $(printf '%q' "$path")" </dev/null >&2
}

# rb_commit: success; forget everything except temp files (they still go at exit).
rb_commit() {
  local e kept=()
  for e in "${RB_JOURNAL[@]+"${RB_JOURNAL[@]}"}"; do
    [[ "$e" == tmp:* ]] && kept+=("$e")
  done
  RB_JOURNAL=("${kept[@]+"${kept[@]}"}")
}

# rb_cleanup_tmp: remove the temp files.
rb_cleanup_tmp() {
  local e kept=()
  for e in "${RB_JOURNAL[@]+"${RB_JOURNAL[@]}"}"; do
    if [[ "$e" == tmp:* ]]; then rm -rf -- "${e#tmp:}"; else kept+=("$e"); fi
  done
  RB_JOURNAL=("${kept[@]+"${kept[@]}"}")
}
