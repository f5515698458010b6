# shellcheck shell=bash
# Step output: the SUCCESS (or DRY_RUN) lines, extra lines, LINUS_JSON last.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/result.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/catalog.sh"

# step_output: the SUCCESS (or DRY_RUN) lines, extra lines, LINUS_JSON last.
step_output() {
  log_step output "done"
  rb_commit
  if [[ "$CFG_DRY_RUN" == 1 ]]; then
    output_dry_run
    return 0
  fi
  res_success_head "$VM_ID" "$VM_IP" "$CFG_USER" "$VM_NAME_FINAL" "$(img_os_label)" \
    "$CFG_CORES" "$CFG_MEMORY" "$CFG_DISK" "$CFG_NODE"
  res_set VM_IP_SOURCE "$VM_IP_SOURCE"
  res_set VM_MAC "${VM_MAC:-}"
  res_set VM_STORAGE "$CFG_STORAGE"
  res_set VM_BRIDGE "$CFG_BRIDGE"
  [[ -n "$CFG_VLAN" ]] && res_set_num VM_VLAN "$CFG_VLAN" && res_set VLAN_MODE "${VLAN_MODE:-}"
  res_set SSH_CHECK "$SSH_CHECK"
  res_set VM_HOST_KEY "${VM_HOST_KEY:-unknown}"
  res_set VM_HOST_KEY_SHA256_HEX "${VM_HOST_KEY_HEX:-unknown}"
  res_set CLOUD_INIT "${CLOUD_INIT_STATUS:-unknown}"
  res_set GUEST_AGENT "$([[ -n "${SNIPPET_STORE:-}" ]] && echo installed || echo absent)"
  [[ -n "${VM_PASSWORD_FILE:-}" ]] && res_set VM_PASSWORD_FILE "$(res_safe_path "$VM_PASSWORD_FILE")"
  [[ "$SSH_CHECK" == login ]] && res_set SSH_COMMAND "ssh -i $(res_safe_path "$HOST_KEY") $(
    res_safe_path "-o UserKnownHostsFile=${SSH_KNOWN_HOSTS}"
  ) ${CFG_USER}@${VM_IP}"
  [[ -n "${CI_KEY_WARNING:-}" ]] && res_set WARNING "$CI_KEY_WARNING"
  res_set_num ELAPSED_SECONDS "$SECONDS"
  log_ok "VM ${VM_ID} (${VM_NAME_FINAL}) is ready at ${VM_IP}"
  res_print
}

# output_dry_run: the DRY_RUN lines (the plan; nothing was changed).
output_dry_run() {
  res_reset
  res_set RESULT DRY_RUN
  res_set_num VM_ID "${VM_ID:-}"
  res_set VM_NAME "${VM_NAME_FINAL:-}"
  res_set VM_USER "$CFG_USER"
  res_set VM_OS "$(img_os_label)"
  res_set_num VM_CPU "$CFG_CORES"
  res_set_num VM_RAM "$CFG_MEMORY"
  res_set_num VM_DISK "$CFG_DISK"
  res_set VM_NODE "$CFG_NODE"
  res_set VM_STORAGE "$CFG_STORAGE"
  res_set VM_BRIDGE "$CFG_BRIDGE"
  [[ -z "$CFG_VLAN" ]] || res_set VLAN_MODE "${VLAN_MODE:-}"
  res_set IMAGE_URL "$(val_url_shown "$IMG_URL")" # a signed URL's query is its credential
  res_set SNIPPET_STORAGE "${SNIPPET_STORE:-none}"
  [[ -n "${CI_KEY_WARNING:-}" ]] && res_set WARNING "$CI_KEY_WARNING"
  log_ok "dry run: nothing was changed; the commands above are the plan (the id may differ at run time)"
  res_print
}
