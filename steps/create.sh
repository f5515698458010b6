# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Steps allocate + create: under a host lock, take `pvesh get /cluster/nextid` and claim it with
# ONE `qm create` carrying the whole VM (hardware, imported boot disk, cloud-init); a lost race
# ("already exists") retries with a fresh id. Then the disk is resized and checked.
# Reads: CFG_* (hardware, network, cloud-init), IMG[path src], TPL[id vendor], HOST[snippet_store
#   snippet_shared key_pub], CI[from_template snippet_volid], PVE_REMOTE_NODE.
# Sets: VM[id_try id name mac password_file], CI[key_warning snippet_volid shared_volid].
# Dry run: create_plan.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/checks-env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/cloudinit.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/catalog.sh"

# create_next_id: the id to try (CFG_VMID, else the cluster's next free id) in VM_ID_TRY.
create_next_id() {
  if [[ -n "$CFG_VMID" ]]; then
    VM[id_try]="$CFG_VMID"
    return 0
  fi
  if ! pve_get /cluster/nextid; then
    linus_fail 5 "no free VM id: ${PVE_ERR}" "check the datacenter next-id range (Datacenter > Options) or pass --vmid"
  fi
  VM[id_try]="${PVE_OUT//[\"[:space:]]/}"
  [[ "${VM[id_try]}" =~ ^[0-9]+$ ]] || linus_fail 5 "unexpected answer from /cluster/nextid: ${PVE_OUT}" "pass --vmid"
}

# create_cmds ID: the commands that make VM ID, built once from its settings: either
# `qm create ID SETTINGS... IMPORT...` (the image imported as scsi0) in CREATE_CMD, or with
# --template-cache `qm clone TEMPLATE ID` in CREATE_CMD and `qm set ID SETTINGS...` in CREATE_SET_CMD.
create_cmds() {
  local id="$1" net cpu=x86-64-v2-AES tags hw nic agent ci=()
  net="virtio,bridge=${CFG_BRIDGE}"
  [[ -n "$CFG_VLAN" ]] && net+=",tag=${CFG_VLAN}"
  net+=",firewall=1"
  # PVE 7.4 has no x86-64-v2 models; kvm64 (its CLI default) cannot boot EL9 guests
  ((PVE_MAJOR < 8)) && cpu=host
  [[ -n "$CFG_IMAGE_URL" ]] || cpu="$(img_catalog_cpu "$CFG_OS" "$cpu")" # the RHEL 10 family: x86-64-v3
  VM[name]="${CFG_NAME:-linus-vm-${id}}"
  tags="linus;os-$(img_os_label)"
  [[ -z "${TPL[id]:-}" ]] || tags+=";linus-from-${TPL[id]}"
  ci_args ci
  # this VM's settings, each once; the rest of a create is the imported disk's hardware
  hw=(--cores "$CFG_CORES" --memory "$CFG_MEMORY" --cpu "$cpu")
  nic=(--net0 "$net")
  agent=(--agent enabled=1 --tags "$tags")
  CREATE_SET_CMD=()
  if [[ -z "${TPL[id]:-}" ]]; then
    CREATE_CMD=(qm create "$id" --name "${VM[name]}" "${hw[@]}" --scsihw virtio-scsi-single "${nic[@]}"
      --serial0 socket --vga serial0 "${agent[@]}" --ostype l26
      --scsi0 "${CFG_STORAGE}:0,import-from=${IMG[src]:-${IMG[path]}},iothread=1,discard=on" --boot order=scsi0
      --ide2 "${CFG_STORAGE}:cloudinit" "${ci[@]}")
    return 0
  fi
  CREATE_CMD=(qm clone "${TPL[id]}" "$id" --name "${VM[name]}")
  ((TPL_FULL)) && CREATE_CMD+=(--full 1)
  CREATE_SET_CMD=(qm set "$id" "${hw[@]}" "${nic[@]}" "${agent[@]}" "${ci[@]}")
  # the template's vendor snippet is not for this VM (its storage lost snippets content), and it has none of its own
  [[ -n "${TPL[vendor]:-}" && "${CI[from_template]:-0}" != 1 && -z "${CI[snippet_volid]:-}" ]] &&
    CREATE_SET_CMD+=(--delete cicustom)
  return 0
}

# step_create: allocate the id and create the VM (VM_ID); journaled the moment it exists.
step_create() {
  local attempt lockfd
  create_prepare
  if ! linus_lock vmid "${LINUS_VMID_LOCK_WAIT:-120}"; then
    linus_fail 5 "another provisioning run holds the VM id lock for too long" "wait for it, then run again"
  fi
  lockfd="$LINUS_LOCK_FD"
  for attempt in 1 2 3 4 5; do
    create_build "$attempt"
    rb_add vmnew "${VM[id_try]}:${VM[name]}"
    PVE_RC=0
    pve_run "${CREATE_CMD[@]}" || PVE_RC=$?
    if ((PVE_RC == 0)); then
      VM[id]="${VM[id_try]}"
      rb_forget vmnew "${VM[id]}:${VM[name]}"
      rb_add vm "${VM[id]}"
      if ((${#CREATE_SET_CMD[@]})) && ! pve_run "${CREATE_SET_CMD[@]}"; then
        linus_fail 5 "configuring the clone ${VM[id]} failed: ${PVE_ERR}" "check qm config ${VM[id]}"
      fi
      break
    fi
    rb_forget vmnew "${VM[id_try]}:${VM[name]}"
    ci_remove_snippet
    create_failed "$attempt"
  done
  linus_unlock "$lockfd"
  ci_password "${VM[id]}"
  create_resize
}

# create_prepare: what every attempt needs (the keys file, the snippet dir, room on a thin pool).
create_prepare() {
  log_step create "creating the VM"
  ci_keys_file
  [[ "${CI[from_template]:-0}" == 1 ]] || ci_snippet_dir # a clone may use its template's snippet
  [[ -n "${TPL[id]:-}" ]] || chk_thin_room "${IMG[path]}"
}

# create_build ATTEMPT: the id to try (VM[id_try]), its snippet, and the commands that make it.
create_build() {
  create_next_id
  [[ -n "$CFG_NAME" ]] || chk_name_conflict "linus-vm-${VM[id_try]}"
  ci_write_snippet "${VM[id_try]}"
  create_cmds "${VM[id_try]}"
  log_info "creating VM ${VM[id_try]} (attempt ${1}; importing the image can take a minute)"
}

# create_plan: the dry run's create: the commands of one attempt and the resize, logged, not run
# (no lock, nothing journaled).
create_plan() {
  create_prepare
  create_build 1
  VM[id]="${VM[id_try]}"
  log_cmd "${CREATE_CMD[@]}"
  ((${#CREATE_SET_CMD[@]} == 0)) || log_cmd "${CREATE_SET_CMD[@]}"
  ci_password "${VM[id]}"
  log_cmd qm resize "${VM[id]}" scsi0 "${CFG_DISK}G"
}

# create_failed ATTEMPT: after a failed create of VM_ID_TRY (error PVE_ERR, exit PVE_RC): return
# 0 to retry with a fresh id (a lost race, attempts left), else end the run with the reason.
create_failed() {
  local attempt="$1"
  if [[ "$PVE_ERR" == *"already exists"* && -z "$CFG_VMID" && "$attempt" -lt 5 ]]; then
    log_warn "VM id ${VM[id_try]} was taken meanwhile; trying the next free id"
    return 0
  fi
  if [[ "$PVE_ERR" == *"already exists"* && -z "$CFG_VMID" ]]; then
    linus_fail 5 "no free VM id after 5 attempts: other runs kept taking them (last: ${PVE_ERR})" \
      "run again, or pass --vmid"
  fi
  if [[ "$PVE_ERR" == *"already exists"* ]]; then
    linus_fail 7 "VM id ${VM[id_try]} is already in use: ${PVE_ERR}" "pick another --vmid, or leave it out"
  fi
  if create_crashed "${VM[id_try]}"; then
    local died="qm create of VM ${VM[id_try]} died part-way (${PVE_ERR:-no error text, exit ${PVE_RC}})"
    linus_fail 5 "${died}: it left the VM locked (lock: create)" "the rollback removes that VM and its volumes\
 (LINUS_CLEANUP_REMOVED); check the host's memory (free -m; journalctl -k | grep -i 'killed process') and run again"
  fi
  linus_fail 5 "qm create failed: ${PVE_ERR:-no error text}" \
    "read the qm output above; check storage '${CFG_STORAGE}' (pvesm status)"
}

# create_crashed ID: after OUR `qm create ID` failed (not "already exists": then the id is
# another VM's and is never touched), 0 when a config with `lock: create` holds ID: a create that
# died part-way (SIGKILL, the OOM killer) leaves the config create_and_lock_config wrote (only
# `lock: create`) and the volumes allocated so far (qemu-server API2/Qemu.pm create_vm: its
# cleanup never ran). Ours, so it is journaled (vmcrash: unlocked, destroyed with purge, leftover
# vm-ID-* volumes freed). Not when another name is in it, nor while a live create on this node
# holds the config's flock (/var/lock/qemu-server/lock-ID.conf, lock_config_full).
create_crashed() {
  local id="$1" conf lockf
  conf="$(qm config "$id" 2>/dev/null)" || return 1
  grep -qx 'lock: create' <<<"$conf" || return 1
  if grep -q '^name: ' <<<"$conf" && ! grep -qx "name: ${VM[name]}" <<<"$conf"; then return 1; fi
  lockf="${LINUS_QM_LOCK_DIR:-/var/lock/qemu-server}/lock-${id}.conf"
  if [[ -z "${PVE_REMOTE_NODE:-}" && -e "$lockf" ]] && ! flock -n "$lockf" true 2>/dev/null; then
    log_warn "VM ${id} has lock: create and a create is running on it: not ours to remove"
    return 1
  fi
  log_warn "qm create of VM ${id} died part-way and left it locked (lock: create):" \
    "it is this run's, the rollback removes it"
  rb_add vmcrash "${id}:${CFG_STORAGE}"
}

# create_resize: grow scsi0 to --disk GiB and check it in the config (PVE 8 exits 0 on failure).
create_resize() {
  local scsi0 size
  if ! pve_run qm resize "${VM[id]}" scsi0 "${CFG_DISK}G"; then
    linus_fail 5 "qm resize ${VM[id]} scsi0 ${CFG_DISK}G failed: ${PVE_ERR}" \
      "check free space on '${CFG_STORAGE}' (pvesm status)"
  fi
  if ! pve_config_get "${VM[id]}"; then
    linus_fail 5 "cannot read the config of VM ${VM[id]}: ${PVE_ERR}" "check it with qm config ${VM[id]}"
  fi
  scsi0="$(pve_config_value scsi0)"
  size=""
  [[ ",$scsi0," =~ ,size=([0-9.]+[KMGT]?), ]] && size="${BASH_REMATCH[1]}"
  if [[ -z "$size" || "$(pve_size_gib "$size")" -lt "$CFG_DISK" ]]; then
    local what="the disk of VM ${VM[id]} is ${size:-unknown} after resizing to ${CFG_DISK}G"
    linus_fail 5 "${what} (${PVE_ERR:-no error text})" \
      "check free space on '${CFG_STORAGE}' (pvesm status) and qm config ${VM[id]}"
  fi
  VM[mac]="$(pve_config_value net0)"
  [[ "${VM[mac]}" =~ ([0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}) ]] && VM[mac]="${BASH_REMATCH[1],,}" || VM[mac]=""
  log_ok "VM ${VM[id]} created: ${CFG_CORES} cores, ${CFG_MEMORY} MiB, scsi0 ${size} on ${CFG_STORAGE}," \
    "net0 ${VM[mac]:-?}"
}
