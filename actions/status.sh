# shellcheck shell=bash
# Actions status VMID | --name NAME (state, node, name, tags, IP of one guest, cluster-wide) and
# list (the VMs with tag linus, cluster-wide, from one /cluster/resources call).
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/vm.sh"

# act_status: one VM; exit 1 when no guest has this id or name.
act_status() {
  local managed=0 what
  LINUS_STEP=status
  act_target
  what="with id ${CFG_TARGET}"
  [[ -n "$CFG_TARGET" ]] || what="named ${CFG_NAME}"
  if ! act_find "$CFG_TARGET" "$CFG_NAME"; then
    linus_fail 1 "no VM ${what} in this cluster" \
      "check the id or name: list shows the VMs of this tool (pvesh get /cluster/resources --type vm shows all)"
  fi
  act_has_tag linus && managed=1
  VM_IP="" VM_IP_SOURCE=none
  if [[ "$FOUND_TYPE" == qemu ]]; then
    if act_config; then
      act_vm_ip
    else # e.g. its node is offline: report what the cluster knows
      log_warn "cannot read the config of VM ${FOUND_ID} on node ${FOUND_NODE}: ${PVE_ERR}"
    fi
  fi
  log_ok "VM ${FOUND_ID} (${FOUND_NAME:-no name}) on node ${FOUND_NODE}: ${FOUND_STATUS}${VM_IP:+, ${VM_IP}}"
  res_reset
  res_set RESULT SUCCESS
  res_set_num VM_ID "$FOUND_ID"
  res_set VM_NAME "$FOUND_NAME"
  res_set VM_NODE "$FOUND_NODE"
  res_set VM_STATE "$FOUND_STATUS"
  res_set VM_IP "$VM_IP"
  res_set VM_IP_SOURCE "$VM_IP_SOURCE"
  res_set VM_TAGS "$FOUND_TAGS"
  res_set VM_TYPE "$FOUND_TYPE"
  res_set_num VM_TEMPLATE "$FOUND_TEMPLATE"
  res_set_num VM_MANAGED "$managed"
  res_print
}
