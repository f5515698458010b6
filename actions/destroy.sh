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
  LINUS_STEP=destroy
  act_target
  what="VM ${CFG_TARGET}"
  [[ -n "$CFG_TARGET" ]] || what="VM named ${CFG_NAME}"
  res_reset
  if ! act_find "$CFG_TARGET" "$CFG_NAME"; then
    log_ok "${what} does not exist: nothing to destroy"
    res_set RESULT SUCCESS
    [[ -n "$CFG_TARGET" ]] && res_set_num VM_ID "$CFG_TARGET"
    [[ -n "$CFG_NAME" ]] && res_set VM_NAME "$CFG_NAME"
    res_set VM_STATE absent
    res_print
    return 0
  fi
  act_destroy_allowed
  act_config || linus_fail 5 "cannot read the config of VM ${FOUND_ID} on node ${FOUND_NODE}: ${PVE_ERR}" "check it with qm config ${FOUND_ID} on node ${FOUND_NODE}"
  # the storages that hold its volumes, to check afterwards that none is left
  storages="$(sed -nE 's/^(scsi|virtio|sata|ide|efidisk|tpmstate|unused)[0-9]+: ([A-Za-z0-9_.-]+):[^,]+.*/\2/p' <<<"$PVE_CONFIG" | sort -u | tr '\n' ' ')"
  snippet="$(sed -nE 's/^cicustom: (.*,)?vendor=([^,]+).*/\2/p' <<<"$PVE_CONFIG")"
  log_step destroy "destroying VM ${FOUND_ID} (${FOUND_NAME:-no name}) on node ${FOUND_NODE}"
  act_destroy_run
  [[ "${CFG_DRY_RUN:-0}" == 1 ]] || act_destroy_verify "$storages"
  [[ "${CFG_DRY_RUN:-0}" == 1 ]] || act_destroy_snippet "$snippet"
  rm -f -- "${LINUS_STATE_DIR:-/var/lib/linus-provision}/known_hosts/${FOUND_ID}" \
    "${LINUS_STATE_DIR:-/var/lib/linus-provision}/passwords/vm-${FOUND_ID}.password"
  log_ok "VM ${FOUND_ID} destroyed with its disks"
  res_set RESULT "$([[ "${CFG_DRY_RUN:-0}" == 1 ]] && echo DRY_RUN || echo SUCCESS)"
  res_set_num VM_ID "$FOUND_ID"
  res_set VM_NAME "$FOUND_NAME"
  res_set VM_NODE "$FOUND_NODE"
  res_set VM_STATE "$([[ "${CFG_DRY_RUN:-0}" == 1 ]] && echo "$FOUND_STATUS" || echo destroyed)"
  res_print
}

# act_destroy_allowed: exit 1 for a guest this tool must not destroy.
act_destroy_allowed() {
  if [[ "$FOUND_TYPE" != qemu ]]; then
    linus_fail 1 "guest ${FOUND_ID} on node ${FOUND_NODE} is a container (${FOUND_TYPE}), not a VM made by linus-provision" "destroy only VMs that list shows; remove this guest yourself if you mean it (pct destroy ${FOUND_ID})"
  fi
  if ! act_has_tag linus; then
    linus_fail 1 "VM ${FOUND_ID} (${FOUND_NAME:-no name}) on node ${FOUND_NODE} has no tag 'linus': it was not made by linus-provision, so it is left alone" \
      "check the id (list shows the VMs of this tool); remove it yourself if you mean it (qm destroy ${FOUND_ID} --purge 1 on node ${FOUND_NODE})"
  fi
  if [[ "$FOUND_TEMPLATE" == 1 ]] && tpl_in_use "$FOUND_ID"; then
    linus_fail 1 "VM ${FOUND_ID} is a template that clones still use (tag linus-from-${FOUND_ID})" \
      "destroy its clones first (list shows them), then destroy the template"
  fi
  return 0
}

# act_destroy_run: stop (unless stopped), then destroy with purge and unreferenced disks. For a
# VM on another node the qm shim (lib-sh/pve-node.sh) runs these through pvesh on that node and
# checks that the destroy task really removed the VM.
act_destroy_run() {
  local id="$FOUND_ID" fix="look at the task log on node ${FOUND_NODE} (journalctl -u pvedaemon) and qm config ${FOUND_ID}"
  act_on_node
  if [[ "$FOUND_STATUS" != stopped ]] && ! pve_run qm stop "$id"; then
    linus_fail 5 "stopping VM ${id} on node ${FOUND_NODE} failed: ${PVE_ERR}" "$fix"
  fi
  pve_run qm destroy "$id" --purge 1 --destroy-unreferenced-disks 1 ||
    linus_fail 5 "destroying VM ${id} on node ${FOUND_NODE} failed: ${PVE_ERR}" "$fix"
}

# act_destroy_snippet VOLID: remove the vendor snippet provision wrote for this VM (named
# linus-ID-vendor.yaml; another cicustom file is the user's and stays), on the VM's node.
act_destroy_snippet() {
  local volid="$1" path
  [[ "$volid" == *":snippets/linus-${FOUND_ID}-vendor.yaml" ]] || return 0
  if ! path="$(pvesm path "$volid" 2>/dev/null)" || [[ "$path" != /* ]]; then
    log_warn "cannot resolve the vendor snippet ${volid}; remove it by hand"
    return 0
  fi
  if act_is_local; then
    rm -f -- "$path"
  elif ! rb_undo_nodefile "${FOUND_NODE}:${path}"; then
    log_warn "could not remove ${path} on node ${FOUND_NODE}; remove it by hand"
  fi
}

# act_destroy_verify STORAGES: the config is gone and no volume of the id is left.
act_destroy_verify() {
  local s leftover="" err="${PVE_ERR:-}" out
  if act_config; then
    linus_fail 5 "VM ${FOUND_ID} still exists on node ${FOUND_NODE} after the destroy${err:+: ${err}}" \
      "look at the task log on node ${FOUND_NODE} (journalctl -u pvedaemon), then destroy ${FOUND_ID} again"
  fi
  for s in $1; do
    out=""
    if act_is_local; then
      out="$(pvesm list "$s" --vmid "$FOUND_ID" 2>/dev/null | awk 'NR > 1 { print $1 }')" || out=""
    elif pve_get "/nodes/${FOUND_NODE}/storage/${s}/content" --vmid "$FOUND_ID"; then
      out="$(pq_volids <<<"$PVE_OUT")"
    fi
    leftover+="${out:+ ${out//$'\n'/ }}"
  done
  if [[ -n "$leftover" ]]; then
    linus_fail 5 "VM ${FOUND_ID} is destroyed but volumes are left:${leftover}" "remove them with pvesm free VOLID on node ${FOUND_NODE}"
  fi
}
