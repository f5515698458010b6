# shellcheck shell=bash
# shellcheck disable=SC2034 # VM_REUSED is read by act_provision
# provision --reuse-existing --name NAME: when a VM of this name made by this tool (tag linus)
# exists anywhere in the cluster, report it with the lines of a fresh success plus
# LINUS_REUSED:1 instead of failing with exit 7. A VM of the name without the tag is left to
# step validate (exit 7, as without the option).
# Reads: CFG_REUSE_EXISTING CFG_NAME CFG_USER CFG_GIVEN CFG_CORES CFG_MEMORY, IMG (img_os_label).
# Sets: VM[reused] (the found VM is a local record of act_find, not state).
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/options.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/vm.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/catalog.sh"

# step_reuse: VM_REUSED=1 when an existing VM was reported (the provision is done), else 0.
# (Always returns 0: called outside any `if`, so errexit and the ERR trap stay in force.)
step_reuse() {
  local user os disk cores
  local -A vm=() # the VM found (act_find)
  VM[reused]=0
  [[ "${CFG_REUSE_EXISTING:-0}" == 1 ]] || return 0
  if [[ -z "$CFG_NAME" ]]; then
    log_warn "--reuse-existing has no effect without --name"
    return 0
  fi
  log_step reuse "looking for an existing VM named ${CFG_NAME}"
  chk_options
  if ! act_find vm "" "$CFG_NAME"; then
    log_info "no VM named ${CFG_NAME}: provisioning a new one"
    return 0
  fi
  act_has_tag vm linus || return 0 # step validate fails with exit 7
  act_config vm || linus_fail 5 "cannot read the config of VM ${vm[id]} on node ${vm[node]}: ${PVE_ERR}" \
    "check it with qm config ${vm[id]}"
  act_vm_ip vm
  user="$(pve_config_value ciuser)"
  os="$(reuse_os vm)"
  disk="$(pve_config_value scsi0)"
  if [[ ",$disk," =~ ,size=([0-9.]+[KMGT]?), ]]; then disk="$(pve_size_gib "${BASH_REMATCH[1]}")"; else disk=""; fi
  cores="$(pve_config_value cores)"
  reuse_differs vm "${cores:-1}" "$(reuse_memory)" "$(reuse_os_recorded vm)"
  [[ "${vm[status]}" == running ]] ||
    log_warn "VM ${vm[id]} is ${vm[status]}: start it with qm start ${vm[id]} (on node ${vm[node]})"
  log_ok "VM ${vm[id]} (${CFG_NAME}) exists, made by linus-provision: reusing it"
  res_success_head "${vm[id]}" "${vm[ip]}" "${user:-$CFG_USER}" "${vm[name]}" "$os" \
    "${cores:-1}" "$(reuse_memory)" "$disk" "${vm[node]}"
  res_set_num REUSED 1
  res_set VM_STATE "${vm[status]}"
  res_set VM_IP_SOURCE "${vm[ip_source]}"
  res_set VM_MAC "${vm[mac]}"
  res_set VM_TAGS "${vm[tags]}"
  res_print
  VM[reused]=1
}

# reuse_os REC: the OS recorded on the found VM REC (reuse_os_recorded), else what was given.
reuse_os() {
  local os
  os="$(reuse_os_recorded "$1")"
  if [[ -n "$os" ]]; then printf '%s\n' "$os"; else img_os_label; fi
}

# reuse_os_recorded REC: the OS recorded in the VM's description (os=KEY or linus-os: KEY) or tags
# (os-KEY, as step create writes it; custom for an --image-url VM), else nothing.
reuse_os_recorded() {
  local -n _vm="$1"
  local desc
  desc="$(pve_config_value description)"
  desc="${desc//%3A/:}"
  if [[ "$desc" =~ (^|[^a-z])(linus-)?os[=:][[:space:]]*([a-z0-9][a-z0-9.-]*) ]]; then
    printf '%s\n' "${BASH_REMATCH[3]}"
  elif [[ ";${_vm[tags]};" =~ \;os-([a-z0-9.-]+)\; ]]; then
    printf '%s\n' "${BASH_REMATCH[1]}"
  fi
}

# reuse_differs REC CORES MIB OS: a warning (stderr and LINUS_WARNING) when the VM differs from the
# cores, memory or OS this call gave (flag or env var; defaults are not compared). The VM is
# reported as it is: nothing is changed.
reuse_differs() {
  local -n _vm="$1"
  shift
  local d="" fix="" asked msg
  if [[ "$CFG_GIVEN" == *" cores "* && "$1" != "$CFG_CORES" ]]; then
    d+=", ${1} cores (asked ${CFG_CORES})" fix+=" --cores ${CFG_CORES}"
  fi
  if [[ "$CFG_GIVEN" == *" memory "* && "$2" != "$CFG_MEMORY" ]]; then
    d+=", ${2} MiB memory (asked ${CFG_MEMORY})" fix+=" --memory ${CFG_MEMORY}"
  fi
  asked="$(img_os_label)"
  if [[ "$CFG_GIVEN" == *" os "* || "$CFG_GIVEN" == *" image-url "* ]] && [[ -n "$3" && "$3" != "$asked" ]]; then
    d+=", OS ${3} (asked ${asked})"
  fi
  [[ -n "$d" ]] || return 0
  msg="existing VM ${_vm[id]} (${CFG_NAME}) differs from this call: ${d#, }; it is reported as it is"
  [[ -z "$fix" ]] || msg+="; to change it: qm set ${_vm[id]}${fix} on node ${_vm[node]}, then restart it"
  [[ "$d" != *", OS "* ]] || msg+="; another OS needs a new VM: destroy ${_vm[id]} first or pick another --name"
  log_warn "$msg"
  res_warn "$msg"
}

# reuse_memory: the VM's memory in MiB (the config holds 2048 or current=2048; default 512).
reuse_memory() {
  local m
  m="$(pve_config_value memory)"
  [[ "$m" =~ ([0-9]+) ]] && m="${BASH_REMATCH[1]}"
  printf '%s\n' "${m:-512}"
}
