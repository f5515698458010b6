# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Step image: a verified cloud image in $LINUS_CACHE_DIR (IMG_PATH). The vendor's checksum file
# is fetched every run; a cached image is reused only when it matches it. Downloads go to a
# .part file, are verified, then renamed; a lock keeps two runs from fetching the same image.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/catalog.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/img-fetch.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/template.sh"

# image_source: IMG_URL, IMG_FILE, IMG_SUMS_URL, IMG_SUMS_ALGO, IMG_DEFAULT_USER for the
# catalog key in CFG_OS, or for --image-url (then IMG_EXPECTED is the given sha256).
image_source() {
  IMG_EXPECTED=""
  if [[ -n "$CFG_IMAGE_URL" ]]; then
    local base="${CFG_IMAGE_URL%%[?#]*}"
    base="${base##*/}"
    base="${base//[^A-Za-z0-9._-]/_}"
    IMG_URL="$CFG_IMAGE_URL" IMG_SUMS_URL="" IMG_SUMS_ALGO=sha256
    IMG_FILE="custom-${CFG_IMAGE_SHA256:0:12}-${base:-image.img}"
    IMG_EXPECTED="${CFG_IMAGE_SHA256,,}"
    IMG_DEFAULT_USER="${IMG_DEFAULT_USER:-}"
    return 0
  fi
  if ! img_catalog "$CFG_OS"; then
    linus_fail 1 "unknown OS '${CFG_OS}'" \
      "use a catalog key ($(img_catalog_keys | paste -sd' ')) or --image-url with --image-sha256"
  fi
}

# image_expected: IMG_EXPECTED from the vendor's checksum file (catalog images).
image_expected() {
  [[ -n "$IMG_EXPECTED" ]] && return 0
  local sums="$LINUS_RUN_DIR/sums"
  rb_add tmp "$sums"
  log_info "fetching the checksum file ${IMG_SUMS_URL}"
  if ! img_fetch "$IMG_SUMS_URL" "$sums"; then
    linus_fail 4 "cannot download the checksum file ${IMG_SUMS_URL}" \
      "check the host's internet access and DNS (curl -I ${IMG_SUMS_URL})"
  fi
  IMG_EXPECTED="$(img_checksum_from_file "$sums" "$IMG_FILE" "$IMG_SUMS_ALGO" || true)"
  IMG_EXPECTED="${IMG_EXPECTED,,}"
  if [[ ! "$IMG_EXPECTED" =~ ^[0-9a-f]{64,128}$ ]]; then
    linus_fail 4 "the vendor checksum file ${IMG_SUMS_URL} has no ${IMG_SUMS_ALGO} entry for ${IMG_FILE}" \
      "the vendor may have renamed the image; use --image-url with --image-sha256 meanwhile"
  fi
}

# step_image: make IMG_PATH a verified image, and check --disk against its virtual size.
step_image() {
  log_step image "getting the cloud image"
  image_source
  local cache="${LINUS_CACHE_DIR:-/var/lib/vz/template/cache/linus}"
  IMG_PATH="$cache/$IMG_FILE"
  if [[ "$CFG_DRY_RUN" == 1 ]]; then
    image_dry_run
    IMG_SRC="$IMG_PATH"
    [[ -z "${PVE_REMOTE_NODE:-}" ]] || IMG_SRC="<downloaded onto ${PVE_REMOTE_NODE} by pvesh download-url>"
    return 0
  fi
  mkdir -p "$cache"
  IMG_SKIPPED=0
  image_expected
  if tpl_ready; then # --template-cache: the template of this image exists, so the image is not needed
    log_ok "template ${TPL_ID} holds this image (${IMG_SUMS_ALGO} ${IMG_EXPECTED:0:12}): no image check or download"
    IMG_SKIPPED=1
    return 0
  fi
  image_fetch
}

# image_fetch: under the image lock, a verified IMG_PATH (cached or downloaded); its size
# checked against --disk; IMG_SRC for the VM's node.
image_fetch() {
  IMG_SKIPPED=0
  if ! linus_lock "image-${IMG_FILE}" "${LINUS_IMAGE_LOCK_WAIT:-1800}"; then
    linus_fail 4 "another run has been downloading ${IMG_FILE} for too long (lock $LINUS_LOCK_DIR/image-${IMG_FILE}.lock)" \
      "wait for it to finish, or check for a stuck process holding that lock (fuser -v on the lock file)"
  fi
  local lockfd="$LINUS_LOCK_FD"
  if [[ -f "$IMG_PATH" ]]; then
    log_info "checking the cached image ${IMG_PATH}"
    if [[ "$(img_hash "$IMG_PATH" "$IMG_SUMS_ALGO")" == "$IMG_EXPECTED" ]]; then
      log_ok "cached image verified (${IMG_SUMS_ALGO}), no download needed"
      IMG_REUSED=1
    else
      log_warn "the cached image does not match the current vendor checksum; downloading it again"
      rm -f "$IMG_PATH" # never leave an unverified file in the cache, even if the download fails
    fi
  fi
  [[ "${IMG_REUSED:-0}" == 1 ]] || image_download
  linus_unlock "$lockfd"
  image_size
  image_node
}

# image_node: IMG_SRC, what import-from reads: the cached file on this node; for a VM on
# another node (a local path is only here) the same image, downloaded onto that node by Proxmox
# (download-url, which checks the vendor checksum itself) to a storage of it with iso content.
image_node() {
  local store fname
  IMG_SRC="$IMG_PATH"
  [[ -n "${PVE_REMOTE_NODE:-}" ]] || return 0
  store="$(pq_iso_store "$PVE_REMOTE_NODE" <<<"$RESOURCES_JSON")"
  [[ -n "$store" ]] || linus_fail 4 "node '${PVE_REMOTE_NODE}' has no storage with iso content to download the image to" \
    "add iso content to a storage of that node (pvesm set local --content iso,vztmpl,backup,snippets), or run this on node ${PVE_REMOTE_NODE}"
  fname="linus-${IMG_EXPECTED:0:12}-${IMG_FILE%.*}.img" # iso content takes .img (the format is probed)
  log_info "downloading the image onto node ${PVE_REMOTE_NODE} (${store}:iso/${fname}); Proxmox verifies the ${IMG_SUMS_ALGO}"
  if ! img_redacted "$IMG_URL" pve_run pvesh create "/nodes/${PVE_REMOTE_NODE}/storage/${store}/download-url" --url "$IMG_URL" \
    --content iso --filename "$fname" --checksum "$IMG_EXPECTED" --checksum-algorithm "$IMG_SUMS_ALGO" ||
    [[ "$PVE_ERR" =~ (mismatch|failed|error|Error) ]]; then
    linus_fail 4 "downloading $(val_url_shown "$IMG_URL") onto node ${PVE_REMOTE_NODE} failed: $(val_url_redact "${PVE_ERR:-no error text}")" \
      "check that node's internet access, or run this on node ${PVE_REMOTE_NODE}"
  fi
  IMG_SRC="${store}:iso/${fname}"
}

# image_download: download to .part, verify, rename into the cache.
image_download() {
  local part="${IMG_PATH}.part" got shown
  rb_add tmp "$part"
  rm -f "$part"
  shown="$(val_url_shown "$IMG_URL")"
  log_info "downloading ${shown}"
  if ! img_fetch "$IMG_URL" "$part"; then
    rm -f "$part"
    [[ "$shown" == "$IMG_URL" ]] || linus_fail 4 "cannot download ${shown}" \
      "check the host's internet access and DNS, and that the URL has not expired (signed URLs do; its query is not shown)"
    linus_fail 4 "cannot download ${IMG_URL}" "check the host's internet access and DNS (curl -I $(log_quote "$IMG_URL"))"
  fi
  got="$(img_hash "$part" "$IMG_SUMS_ALGO" || true)"
  if [[ "$got" != "$IMG_EXPECTED" ]]; then
    rm -f "$part"
    if [[ -n "$CFG_IMAGE_URL" ]]; then
      linus_fail 1 "the image from ${shown} has sha256 ${got}, not the --image-sha256 given" \
        "check --image-sha256 against the vendor's published checksum"
    fi
    linus_fail 4 "the downloaded ${IMG_FILE} does not match the vendor's ${IMG_SUMS_ALGO} checksum" \
      "try again (the mirror may be updating); nothing was kept"
  fi
  mv -f "$part" "$IMG_PATH"
  rb_forget tmp "$part"
  log_ok "downloaded and verified ${IMG_FILE}"
}

# image_size: --disk must not be below the image's virtual size.
image_size() {
  local vsize need
  [[ -f "$IMG_PATH" ]] || return 0
  vsize="$(img_virtual_size "$IMG_PATH" || true)"
  [[ "$vsize" =~ ^[0-9]+$ ]] || linus_fail 5 "qemu-img cannot read ${IMG_PATH}" "remove the file and run again"
  need=$(((vsize + 1073741823) / 1073741824))
  IMG_NEED_GIB="$need"
  if ((CFG_DISK * 1073741824 < vsize)); then
    linus_fail 1 "--disk ${CFG_DISK} GiB is below the image's virtual size (${need} GiB)" "use --disk ${need} or more"
  fi
}

# image_dry_run: print what would be fetched; read-only checks of a cached copy.
image_dry_run() {
  if [[ -n "$IMG_SUMS_URL" ]]; then
    img_fetch_cmd "$IMG_SUMS_URL" "$LINUS_RUN_DIR/sums"
    log_cmd "${IMG_CMD[@]}"
  fi
  if [[ -f "$IMG_PATH" ]]; then
    log_info "a cached copy exists: ${IMG_PATH} (verified against the vendor checksum at run time)"
    image_size
  else
    img_fetch_cmd "$IMG_URL" "${IMG_PATH}.part"
    img_redacted "$IMG_URL" log_cmd "${IMG_CMD[@]}"
    log_cmd mv -f "${IMG_PATH}.part" "$IMG_PATH"
  fi
}
