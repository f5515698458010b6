# shellcheck shell=bash
# Step output: the SUCCESS lines, extra lines, LINUS_JSON last (dry run: output_plan, the DRY_RUN
# lines).
# Reads: CFG_* (the summary), VM[id name ip ip_source mac ssh_check host_key host_key_hex known_hosts
#   cloud_init password_file], HOST[key snippet_store vlan_mode], IMG[url], CI[key_warning].
# Sets: nothing: it prints the result lines.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/result.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/catalog.sh"

# step_output: the SUCCESS lines, extra lines, LINUS_JSON last.
step_output() {
  log_step output "done"
  rb_commit
  res_success_head "${VM[id]}" "${VM[ip]}" "$CFG_USER" "${VM[name]}" "$(img_os_label)" \
    "$CFG_CORES" "$CFG_MEMORY" "$CFG_DISK" "$CFG_NODE"
  res_set VM_IP_SOURCE "${VM[ip_source]}"
  res_set VM_MAC "${VM[mac]:-}"
  res_set VM_STORAGE "$CFG_STORAGE"
  res_set VM_BRIDGE "$CFG_BRIDGE"
  [[ -n "$CFG_VLAN" ]] && res_set_num VM_VLAN "$CFG_VLAN" && res_set VLAN_MODE "${HOST[vlan_mode]:-}"
  res_set SSH_CHECK "${VM[ssh_check]}"
  res_set VM_HOST_KEY "${VM[host_key]:-unknown}"
  res_set VM_HOST_KEY_SHA256_HEX "${VM[host_key_hex]:-unknown}"
  res_set CLOUD_INIT "${VM[cloud_init]:-unknown}"
  res_set GUEST_AGENT "$([[ -n "${HOST[snippet_store]:-}" ]] && echo installed || echo absent)"
  [[ -n "${VM[password_file]:-}" ]] && res_set VM_PASSWORD_FILE "$(res_safe_path "${VM[password_file]}")"
  [[ "${VM[ssh_check]}" == login ]] && res_set SSH_COMMAND "ssh -i $(res_safe_path "${HOST[key]}") $(
    res_safe_path "-o UserKnownHostsFile=${VM[known_hosts]}"
  ) ${CFG_USER}@${VM[ip]}"
  [[ -n "${CI[key_warning]:-}" ]] && res_set WARNING "${CI[key_warning]}"
  res_set_num ELAPSED_SECONDS "$SECONDS"
  log_ok "VM ${VM[id]} (${VM[name]}) is ready at ${VM[ip]}"
  res_print
}

# output_plan: the dry run's result: the DRY_RUN lines (the plan; nothing was changed).
output_plan() {
  log_step output "done"
  rb_commit
  res_reset
  res_set RESULT DRY_RUN
  res_set_num VM_ID "${VM[id]:-}"
  res_set VM_NAME "${VM[name]:-}"
  res_set VM_USER "$CFG_USER"
  res_set VM_OS "$(img_os_label)"
  res_set_num VM_CPU "$CFG_CORES"
  res_set_num VM_RAM "$CFG_MEMORY"
  res_set_num VM_DISK "$CFG_DISK"
  res_set VM_NODE "$CFG_NODE"
  res_set VM_STORAGE "$CFG_STORAGE"
  res_set VM_BRIDGE "$CFG_BRIDGE"
  [[ -z "$CFG_VLAN" ]] || res_set VLAN_MODE "${HOST[vlan_mode]:-}"
  res_set IMAGE_URL "$(val_url_shown "${IMG[url]}")" # a signed URL's query is its credential
  res_set SNIPPET_STORAGE "${HOST[snippet_store]:-none}"
  [[ -n "${CI[key_warning]:-}" ]] && res_set WARNING "${CI[key_warning]}"
  log_ok "dry run: nothing was changed; the commands above are the plan (the id may differ at run time)"
  res_print
}
