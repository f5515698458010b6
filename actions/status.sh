# shellcheck shell=bash
# Actions status VMID | --name NAME (state, node, name, tags, IP of one guest, cluster-wide) and
# list (the VMs with tag linus, cluster-wide, from one /cluster/resources call).
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/vm.sh"

# act_status: one VM; exit 1 when no guest has this id or name.
act_status() {
  local managed=0 what
  local -A vm=() # the guest found (act_find)
  LINUS_STEP=status
  act_target
  what="with id ${CFG_TARGET}"
  [[ -n "$CFG_TARGET" ]] || what="named ${CFG_NAME}"
  if ! act_find vm "$CFG_TARGET" "$CFG_NAME"; then
    linus_fail 1 "no VM ${what} in this cluster" \
      "check the id or name: list shows the VMs of this tool (pvesh get /cluster/resources --type vm shows all)"
  fi
  act_has_tag vm linus && managed=1
  vm[ip]="" vm[ip_source]=none
  if [[ "${vm[type]}" == qemu ]]; then
    if act_config vm; then
      act_vm_ip vm
    else # e.g. its node is offline: report what the cluster knows
      log_warn "cannot read the config of VM ${vm[id]} on node ${vm[node]}: ${PVE_ERR}"
    fi
  fi
  log_ok "VM ${vm[id]} (${vm[name]:-no name}) on node ${vm[node]}: ${vm[status]}${vm[ip]:+, ${vm[ip]}}"
  res_reset
  res_set RESULT SUCCESS
  res_set_num VM_ID "${vm[id]}"
  res_set VM_NAME "${vm[name]}"
  res_set VM_NODE "${vm[node]}"
  res_set VM_STATE "${vm[status]}"
  res_set VM_IP "${vm[ip]}"
  res_set VM_IP_SOURCE "${vm[ip_source]}"
  res_set VM_TAGS "${vm[tags]}"
  res_set VM_TYPE "${vm[type]}"
  res_set_num VM_TEMPLATE "${vm[template]}"
  res_set_num VM_MANAGED "$managed"
  res_print
}
