# shellcheck shell=bash
# Action destroy VMID | --name NAME: stop and destroy a VM this tool created (tag linus), with its
# disks, on whichever node of the cluster it is. An absent VM is success. Refused (exit 1, nothing
# changed): a guest without the tag linus, a container, a template that clones still use.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/vm.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/template.sh"

act_destroy() {
  local what storages snippet
  local vol_store='s/^(scsi|virtio|sata|ide|efidisk|tpmstate|unused)[0-9]+: ([A-Za-z0-9_.-]+):[^,]+.*/\2/p'
  local -A vm=() # the guest found (act_find)
  LINUS_STEP=destroy
  act_target
  what="VM ${CFG_TARGET}"
  [[ -n "$CFG_TARGET" ]] || what="VM named ${CFG_NAME}"
  res_reset
  if ! act_find vm "$CFG_TARGET" "$CFG_NAME"; then
    log_ok "${what} does not exist: nothing to destroy"
    res_set RESULT SUCCESS
    [[ -n "$CFG_TARGET" ]] && res_set_num VM_ID "$CFG_TARGET"
    [[ -n "$CFG_NAME" ]] && res_set VM_NAME "$CFG_NAME"
    res_set VM_STATE absent
    res_print
    return 0
  fi
  act_destroy_allowed vm
  act_config vm || linus_fail 5 "cannot read the config of VM ${vm[id]} on node ${vm[node]}: ${PVE_ERR}" \
    "check it with qm config ${vm[id]} on node ${vm[node]}"
  # the storages that hold its volumes, to check afterwards that none is left
  storages="$(sed -nE "$vol_store" <<<"$PVE_CONFIG" | sort -u | tr '\n' ' ')"
  snippet="$(sed -nE 's/^cicustom: (.*,)?vendor=([^,]+).*/\2/p' <<<"$PVE_CONFIG")"
  log_step destroy "destroying VM ${vm[id]} (${vm[name]:-no name}) on node ${vm[node]}"
  act_destroy_run vm
  [[ "${CFG_DRY_RUN:-0}" == 1 ]] || act_destroy_verify vm "$storages"
  [[ "${CFG_DRY_RUN:-0}" == 1 ]] || act_destroy_snippet vm "$snippet"
  rm -f -- "${LINUS_STATE_DIR:-/var/lib/linus-provision}/known_hosts/${vm[id]}" \
    "${LINUS_STATE_DIR:-/var/lib/linus-provision}/passwords/vm-${vm[id]}.password"
  log_ok "VM ${vm[id]} destroyed with its disks"
  res_set RESULT "$([[ "${CFG_DRY_RUN:-0}" == 1 ]] && echo DRY_RUN || echo SUCCESS)"
  res_set_num VM_ID "${vm[id]}"
  res_set VM_NAME "${vm[name]}"
  res_set VM_NODE "${vm[node]}"
  res_set VM_STATE "$([[ "${CFG_DRY_RUN:-0}" == 1 ]] && echo "${vm[status]}" || echo destroyed)"
  res_print
}

# act_destroy_allowed REC: exit 1 for a guest this tool must not destroy.
act_destroy_allowed() {
  local -n _vm="$1"
  local msg fix
  if [[ "${_vm[type]}" != qemu ]]; then
    msg="guest ${_vm[id]} on node ${_vm[node]} is a container (${_vm[type]}), not a VM made by linus-provision"
    linus_fail 1 "$msg" \
      "destroy only VMs that list shows; remove this guest yourself if you mean it (pct destroy ${_vm[id]})"
  fi
  if ! act_has_tag "$1" linus; then
    msg="VM ${_vm[id]} (${_vm[name]:-no name}) on node ${_vm[node]} has no tag 'linus'"
    msg+=": it was not made by linus-provision, so it is left alone"
    fix="check the id (list shows the VMs of this tool); remove it yourself if you mean it"
    fix+=" (qm destroy ${_vm[id]} --purge 1 on node ${_vm[node]})"
    linus_fail 1 "$msg" "$fix"
  fi
  if [[ "${_vm[template]}" == 1 ]] && tpl_in_use "${_vm[id]}"; then
    linus_fail 1 "VM ${_vm[id]} is a template that clones still use (tag linus-from-${_vm[id]})" \
      "destroy its clones first (list shows them), then destroy the template"
  fi
  return 0
}

# act_destroy_run REC: stop (unless stopped), then destroy with purge and unreferenced disks. For a
# VM on another node the qm shim (lib-sh/pve-node.sh) runs these through pvesh on that node and
# checks that the destroy task really removed the VM.
act_destroy_run() {
  local -n _vm="$1"
  local id="${_vm[id]}"
  local fix="look at the task log on node ${_vm[node]} (journalctl -u pvedaemon) and qm config ${_vm[id]}"
  act_on_node "$1"
  if [[ "${_vm[status]}" != stopped ]] && ! pve_run qm stop "$id"; then
    linus_fail 5 "stopping VM ${id} on node ${_vm[node]} failed: ${PVE_ERR}" "$fix"
  fi
  pve_run qm destroy "$id" --purge 1 --destroy-unreferenced-disks 1 ||
    linus_fail 5 "destroying VM ${id} on node ${_vm[node]} failed: ${PVE_ERR}" "$fix"
}

# act_destroy_snippet REC VOLID: remove the vendor snippet provision wrote for this VM (named
# linus-ID-vendor.yaml; another cicustom file is the user's and stays), on the VM's node.
act_destroy_snippet() {
  local -n _vm="$1"
  local volid="$2" path
  [[ "$volid" == *":snippets/linus-${_vm[id]}-vendor.yaml" ]] || return 0
  if ! path="$(pvesm path "$volid" 2>/dev/null)" || [[ "$path" != /* ]]; then
    log_warn "cannot resolve the vendor snippet ${volid}; remove it by hand"
    return 0
  fi
  if act_is_local "$1"; then
    rm -f -- "$path"
  elif ! rb_undo_nodefile "${_vm[node]}:${path}"; then
    log_warn "could not remove ${path} on node ${_vm[node]}; remove it by hand"
  fi
}

# act_destroy_verify REC STORAGES: the config is gone and no volume of the id is left.
act_destroy_verify() {
  local -n _vm="$1"
  local s leftover="" err="${PVE_ERR:-}" out
  if act_config "$1"; then
    linus_fail 5 "VM ${_vm[id]} still exists on node ${_vm[node]} after the destroy${err:+: ${err}}" \
      "look at the task log on node ${_vm[node]} (journalctl -u pvedaemon), then destroy ${_vm[id]} again"
  fi
  for s in $2; do
    out=""
    if act_is_local "$1"; then
      out="$(pvesm list "$s" --vmid "${_vm[id]}" 2>/dev/null | awk 'NR > 1 { print $1 }')" || out=""
    elif pve_get "/nodes/${_vm[node]}/storage/${s}/content" --vmid "${_vm[id]}"; then
      out="$(pq_volids <<<"$PVE_OUT")"
    fi
    leftover+="${out:+ ${out//$'\n'/ }}"
  done
  if [[ -n "$leftover" ]]; then
    linus_fail 5 "VM ${_vm[id]} is destroyed but volumes are left:${leftover}" \
      "remove them with pvesm free VOLID on node ${_vm[node]}"
  fi
}
