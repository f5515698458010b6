# shellcheck shell=bash
# shellcheck disable=SC2034 # TPL_* globals set here are read by steps/create.sh
# Step template (--template-cache): the first provision of an image on a storage imports it
# once more into a VM that is never booted (so its /etc/machine-id stays empty and every clone
# makes its own: no shared DHCP identity) and turns that into a Proxmox template, named
# linus-tpl-<os>-<sha12> and tagged linus;linus-tpl;sha-<sha12>;st-<storage>. Later provisions
# `qm clone` it: linked where the storage can (lvmthin, zfspool, rbd; qcow2 on dir/nfs/cifs/btrfs),
# full otherwise (lvm). A new upstream image (new checksum) gives a new template. Builds are
# serialised by a lock per template, and the lookup is repeated under it: two runs end with one.
# Reads: CFG_TEMPLATE_CACHE CFG_STORAGE CFG_NODE, IMG[expected path src need_gib skipped], HOST[storage_type
#   snippet_storages snippet_store], CI[shared_volid].
# Sets: TPL[id name need vendor], CI[from_template].
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/template.sh"
source "$(dirname "${BASH_SOURCE[0]}")/image.sh"

# step_template: with --template-cache, find or build the template (TPL_ID, TPL_FULL).
step_template() {
  [[ "${CFG_TEMPLATE_CACHE:-0}" == 1 ]] || return 0
  template_begin
  tpl_find cached
  if [[ -n "${TPL[id]}" ]]; then
    log_ok "template ${TPL[id]} (${TPL[name]}) found; cloning it ($( ((TPL_FULL)) && echo full || echo linked) clone)"
    tpl_use_vendor
    return 0
  fi
  if ! linus_lock "template-${TPL[name]}-${CFG_STORAGE}" "${LINUS_TEMPLATE_LOCK_WAIT:-1800}"; then
    linus_fail 5 "another run has been building template ${TPL[name]} for too long" "wait for it, then run again"
  fi
  local lockfd="$LINUS_LOCK_FD"
  tpl_find fresh # another run may have built it while we waited
  if [[ -z "${TPL[id]}" ]]; then
    [[ "${IMG[skipped]:-0}" != 1 ]] || image_fetch # its template went meanwhile: the image is needed after all
    tpl_build
  fi
  linus_unlock "$lockfd"
  tpl_use_vendor
}

# template_begin: the template's identity (TPL[name]) and the clone kind (TPL_FULL).
template_begin() {
  log_step template "finding the template for this image"
  tpl_identity
  TPL_FULL=0
  tpl_linked || TPL_FULL=1
}

# template_plan: the dry run's template step: the clone it would make (no lookup, no build).
template_plan() {
  [[ "${CFG_TEMPLATE_CACHE:-0}" == 1 ]] || return 0
  template_begin
  log_cmd qm clone "<template ${TPL[name]}>" "<vmid>" --name "<name>"
  TPL[id]=dry-run
}
