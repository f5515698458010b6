# shellcheck shell=bash
# shellcheck disable=SC2034 # TPL_* globals set here are read by the template and create steps
# Templates of the fast path (--template-cache): the first provision of an image on a storage imports it
# once more into a VM that is never booted (so its /etc/machine-id stays empty and every clone
# makes its own: no shared DHCP identity) and turns that into a Proxmox template, named
# linus-tpl-<os>-<sha12> and tagged linus;linus-tpl;sha-<sha12>;st-<storage>. Later provisions
# `qm clone` it: linked where the storage can (lvmthin, zfspool, rbd; qcow2 on dir/nfs/cifs/btrfs),
# full otherwise (lvm). A new upstream image (new checksum) gives a new template. Builds are
# serialised by a lock per template, and the lookup is repeated under it: two runs end with one.
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/journal.sh"
source "$(dirname "${BASH_SOURCE[0]}")/checks-env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/cloudinit.sh"

# tpl_identity: TPL[name], TPL_TAGS, TPL_SHA (12 hex of the image checksum) for this image+storage.
tpl_identity() {
  local os="${CFG_IMAGE_URL:+custom}"
  os="${os:-$CFG_OS}"
  TPL_SHA="${IMG[expected]:0:12}"
  TPL[name]="linus-tpl-${os//./-}-${TPL_SHA}"
  TPL_TAGS="linus;linus-tpl;sha-${TPL_SHA};st-${CFG_STORAGE}"
}

# tpl_linked: 0 when the storage type makes linked clones (HOST[storage_type] from chk_storage).
tpl_linked() {
  case "${HOST[storage_type]:-}" in lvmthin | zfspool | rbd | dir | nfs | cifs | btrfs) return 0 ;; *) return 1 ;; esac
}

# tpl_find cached|fresh: TPL[id] of the template for this image on this storage and node, or empty,
# and TPL[vendor], the storage of its vendor snippet (tag vendor-STORE, lower case) or empty.
# From the resources the validate step read (no call), or one fresh /cluster/resources call.
tpl_find() {
  local found
  TPL[id]="" TPL[vendor]=""
  PVE_OUT="${RESOURCES_JSON:-}"
  if [[ "$1" == fresh || -z "$PVE_OUT" ]] && ! pve_get /cluster/resources --type vm; then
    linus_fail 5 "cannot list the cluster's VMs: ${PVE_ERR}" "check pvesh get /cluster/resources"
  fi
  found="$(pq_template_for "${TPL[name]}" "$CFG_NODE" "$TPL_SHA" "$CFG_STORAGE" <<<"$PVE_OUT")"
  read -r "TPL[id]" "TPL[need]" "TPL[vendor]" <<<"$found" || true
}

# tpl_ready: 0 when --template-cache is on and the template of this image (IMG[expected]) is on
# this storage and node (from the resources already read: no call) and knows the image's size
# (tag need-<GiB>g, checked against --disk here): the run then needs no image file at all.
tpl_ready() {
  [[ "${CFG_TEMPLATE_CACHE:-0}" == 1 && "$CFG_DRY_RUN" != 1 ]] || return 1
  tpl_identity
  tpl_find cached
  [[ -n "${TPL[id]}" && "${TPL[need]:-}" =~ ^[0-9]+$ ]] || return 1
  if ((CFG_DISK < TPL[need])); then
    linus_fail 1 "--disk ${CFG_DISK} GiB is below the image's virtual size (${TPL[need]} GiB)" \
      "use --disk ${TPL[need]} or more"
  fi
}

# tpl_use_vendor: a clone inherits its template's `cicustom vendor=` (the shared snippet
# ci_write_shared wrote at build time): no snippet path probe, no snippet of its own
# (CI_FROM_TEMPLATE=1), when that storage still has snippets content on the node. Otherwise the
# clone gets its own snippet as on the import path (and the inherited reference is replaced).
tpl_use_vendor() {
  local s
  CI[from_template]=0
  [[ -n "${TPL[vendor]:-}" ]] || return 0
  for s in ${HOST[snippet_storages]//,/ }; do
    [[ "${s,,}" == "${TPL[vendor]}" ]] || continue
    chk_pick_snippet_store "$s"
    CI[from_template]=1
    return 0
  done
  local warn="the vendor snippet storage '${TPL[vendor]}' of template ${TPL[id]} has no snippets content now"
  log_warn "${warn}: this VM gets its own snippet"
}

# tpl_build: import the image into a new VM, never boot it, make it a template.
tpl_build() {
  local id lockfd scsi0="${CFG_STORAGE}:0,import-from=${IMG[src]:-${IMG[path]}},iothread=1,discard=on"
  local tags="$TPL_TAGS" vendor=()
  tpl_linked && [[ "${HOST[storage_type]:-}" =~ ^(dir|nfs|cifs|btrfs)$ ]] && scsi0+=",format=qcow2"
  log_info "building template ${TPL[name]} on ${CFG_STORAGE} (once per image and storage)"
  if ci_write_shared journal; then
    vendor=(--cicustom "vendor=${CI[shared_volid]}")
    tags+=";vendor-${HOST[snippet_store]}"
    TPL[vendor]="${HOST[snippet_store],,}"
  fi
  # later runs check --disk without the image
  [[ -z "${IMG[need_gib]:-}" ]] || tags+=";need-${IMG[need_gib]}g"
  linus_lock vmid "${LINUS_VMID_LOCK_WAIT:-120}" ||
    linus_fail 5 "another provisioning run holds the VM id lock for too long" "wait for it, then run again"
  lockfd="$LINUS_LOCK_FD"
  pve_get /cluster/nextid || linus_fail 5 "no free VM id: ${PVE_ERR}" "check the datacenter next-id range"
  id="${PVE_OUT//[\"[:space:]]/}"
  rb_add vmnew "$id:${TPL[name]}" # undone only if the VM exists and is ours (an interrupted create)
  if ! pve_run qm create "$id" --name "${TPL[name]}" --tags "$tags" --ostype l26 --scsihw virtio-scsi-single \
    --serial0 socket --vga serial0 --agent enabled=1 --scsi0 "$scsi0" --ide2 "${CFG_STORAGE}:cloudinit" \
    --boot order=scsi0 "${vendor[@]}"; then
    rb_forget vmnew "$id:${TPL[name]}"
    ci_shared_settle drop
    linus_fail 5 "creating template VM ${id} failed: ${PVE_ERR}" "check storage '${CFG_STORAGE}' (pvesm status)"
  fi
  rb_forget vmnew "$id:${TPL[name]}"
  rb_add vm "$id"
  linus_unlock "$lockfd"
  local terr=""
  pve_run qm template "$id" || true # may exit 0 even when the task failed: checked below
  terr="${PVE_ERR:-}"
  pve_config_get "$id" || true
  [[ "$(pve_config_value template)" == 1 ]] ||
    linus_fail 5 "qm template ${id} did not make a template: ${terr:-${PVE_ERR:-no error text}}" "check qm config ${id}"
  rb_forget vm "$id" # a finished template is a cache entry, not part of this run; so is its snippet
  ci_shared_settle keep
  TPL[id]="$id"
  log_ok "template ${TPL[id]} (${TPL[name]}) ready"
}

# tpl_in_use TEMPLATE_ID: 0 when a VM was cloned from it (tag linus-from-ID; PVE cannot tell on
# LVM-thin). For the destroy action: a template in use is never removed. Uses the run's one
# /cluster/resources read (pve_resources).
tpl_in_use() {
  pve_resources || return 0 # unknown: treat as in use
  pq_cloned_from "$1" <<<"$RESOURCES_JSON"
}
