# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Step image: a verified cloud image in $LINUS_CACHE_DIR (IMG_PATH). The vendor's checksum file
# is fetched every run; a cached image is reused only when it matches it. Downloads go to a
# .part file, are verified, then renamed; a lock keeps two runs from fetching the same image.
# Reads: CFG_OS CFG_IMAGE_URL CFG_IMAGE_SHA256 CFG_DISK, TPL[id], PVE_REMOTE_NODE.
# Sets: IMG[url sums_url sums_algo file default_user expected path src skipped reused need_gib].
# Dry run: image_plan.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/catalog.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/img-fetch.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/template.sh"

# image_source: IMG_URL, IMG_FILE, IMG_SUMS_URL, IMG_SUMS_ALGO, IMG_DEFAULT_USER for the
# catalog key in CFG_OS, or for --image-url (then IMG_EXPECTED is the given sha256).
image_source() {
  IMG[expected]=""
  if [[ -n "$CFG_IMAGE_URL" ]]; then
    local base="${CFG_IMAGE_URL%%[?#]*}"
    base="${base##*/}"
    base="${base//[^A-Za-z0-9._-]/_}"
    IMG[url]="$CFG_IMAGE_URL" IMG[sums_url]="" IMG[sums_algo]=sha256
    IMG[file]="custom-${CFG_IMAGE_SHA256:0:12}-${base:-image.img}"
    IMG[expected]="${CFG_IMAGE_SHA256,,}"
    IMG[default_user]="${IMG[default_user]:-}"
    return 0
  fi
  if ! img_catalog "$CFG_OS"; then
    linus_fail 1 "unknown OS '${CFG_OS}'" \
      "use a catalog key ($(img_catalog_keys | paste -sd' ')) or --image-url with --image-sha256"
  fi
}

# image_expected: IMG_EXPECTED from the vendor's checksum file (catalog images).
image_expected() {
  [[ -n "${IMG[expected]}" ]] && return 0
  local sums="$LINUS_RUN_DIR/sums"
  rb_add tmp "$sums"
  log_info "fetching the checksum file ${IMG[sums_url]}"
  if ! img_fetch "${IMG[sums_url]}" "$sums"; then
    linus_fail 4 "cannot download the checksum file ${IMG[sums_url]}" \
      "check the host's internet access and DNS (curl -I ${IMG[sums_url]})"
  fi
  IMG[expected]="$(img_checksum_from_file "$sums" "${IMG[file]}" "${IMG[sums_algo]}" || true)"
  IMG[expected]="${IMG[expected],,}"
  if [[ ! "${IMG[expected]}" =~ ^[0-9a-f]{64,128}$ ]]; then
    linus_fail 4 "the vendor checksum file ${IMG[sums_url]} has no ${IMG[sums_algo]} entry for ${IMG[file]}" \
      "the vendor may have renamed the image; use --image-url with --image-sha256 meanwhile"
  fi
}

# step_image: make IMG_PATH a verified image, and check --disk against its virtual size.
step_image() {
  image_begin
  mkdir -p "${IMG[path]%/*}"
  IMG[skipped]=0
  image_expected
  if tpl_ready; then # --template-cache: the template of this image exists, so the image is not needed
    log_ok "template ${TPL[id]} holds this image (${IMG[sums_algo]} ${IMG[expected]:0:12}): no image check or download"
    IMG[skipped]=1
    return 0
  fi
  image_fetch
}

# image_begin: the image's source (IMG[url sums_url file ...]) and its place in the cache (IMG[path]).
image_begin() {
  log_step image "getting the cloud image"
  image_source
  IMG[path]="${LINUS_CACHE_DIR:-/var/lib/vz/template/cache/linus}/${IMG[file]}"
}

# image_fetch: under the image lock, a verified IMG_PATH (cached or downloaded); its size
# checked against --disk; IMG_SRC for the VM's node.
image_fetch() {
  IMG[skipped]=0
  if ! linus_lock "image-${IMG[file]}" "${LINUS_IMAGE_LOCK_WAIT:-1800}"; then
    linus_fail 4 "another run has been downloading ${IMG[file]} for too long$(
      printf ' (lock %s)' "$LINUS_LOCK_DIR/image-${IMG[file]}.lock"
    )" \
      "wait for it to finish, or check for a stuck process holding that lock (fuser -v on the lock file)"
  fi
  local lockfd="$LINUS_LOCK_FD"
  if [[ -f "${IMG[path]}" ]]; then
    log_info "checking the cached image ${IMG[path]}"
    if [[ "$(img_hash "${IMG[path]}" "${IMG[sums_algo]}")" == "${IMG[expected]}" ]]; then
      log_ok "cached image verified (${IMG[sums_algo]}), no download needed"
      IMG[reused]=1
    else
      log_warn "the cached image does not match the current vendor checksum; downloading it again"
      rm -f "${IMG[path]}" # never leave an unverified file in the cache, even if the download fails
    fi
  fi
  [[ "${IMG[reused]:-0}" == 1 ]] || image_download
  linus_unlock "$lockfd"
  image_size
  image_node
}

# image_node: IMG_SRC, what import-from reads: the cached file on this node; for a VM on
# another node (a local path is only here) the same image, downloaded onto that node by Proxmox
# (download-url, which checks the vendor checksum itself) to a storage of it with iso content.
image_node() {
  local store fname
  IMG[src]="${IMG[path]}"
  [[ -n "${PVE_REMOTE_NODE:-}" ]] || return 0
  store="$(pq_iso_store "$PVE_REMOTE_NODE" <<<"$RESOURCES_JSON")"
  [[ -n "$store" ]] || linus_fail 4 \
    "node '${PVE_REMOTE_NODE}' has no storage with iso content to download the image to" \
    "add iso content to a storage of that node (pvesm set local --content iso,vztmpl,backup,snippets), or run$(
      printf ' this on node %s' "${PVE_REMOTE_NODE}"
    )"
  fname="linus-${IMG[expected]:0:12}-${IMG[file]%.*}.img" # iso content takes .img (the format is probed)
  log_info "downloading the image onto node ${PVE_REMOTE_NODE} (${store}:iso/${fname});" \
    "Proxmox verifies the ${IMG[sums_algo]}"
  if ! img_redacted "${IMG[url]}" pve_run pvesh create "/nodes/${PVE_REMOTE_NODE}/storage/${store}/download-url" \
    --url "${IMG[url]}" \
    --content iso --filename "$fname" --checksum "${IMG[expected]}" --checksum-algorithm "${IMG[sums_algo]}" ||
    [[ "$PVE_ERR" =~ (mismatch|failed|error|Error) ]]; then
    local what
    what="downloading $(val_url_shown "${IMG[url]}") onto node ${PVE_REMOTE_NODE} failed"
    linus_fail 4 "${what}: $(val_url_redact "${PVE_ERR:-no error text}")" \
      "check that node's internet access, or run this on node ${PVE_REMOTE_NODE}"
  fi
  IMG[src]="${store}:iso/${fname}"
}

# image_download: download to .part, verify, rename into the cache.
image_download() {
  local part="${IMG[path]}.part" got shown
  rb_add tmp "$part"
  rm -f "$part"
  shown="$(val_url_shown "${IMG[url]}")"
  log_info "downloading ${shown}"
  if ! img_fetch "${IMG[url]}" "$part"; then
    rm -f "$part"
    [[ "$shown" == "${IMG[url]}" ]] || linus_fail 4 "cannot download ${shown}" \
      "check the host's internet access and DNS, and that the URL has not expired$(
        printf ' (signed URLs do; its query is not shown)'
      )"
    linus_fail 4 "cannot download ${IMG[url]}" \
      "check the host's internet access and DNS (curl -I $(log_quote "${IMG[url]}"))"
  fi
  got="$(img_hash "$part" "${IMG[sums_algo]}" || true)"
  if [[ "$got" != "${IMG[expected]}" ]]; then
    rm -f "$part"
    if [[ -n "$CFG_IMAGE_URL" ]]; then
      linus_fail 1 "the image from ${shown} has sha256 ${got}, not the --image-sha256 given" \
        "check --image-sha256 against the vendor's published checksum"
    fi
    linus_fail 4 "the downloaded ${IMG[file]} does not match the vendor's ${IMG[sums_algo]} checksum" \
      "try again (the mirror may be updating); nothing was kept"
  fi
  mv -f "$part" "${IMG[path]}"
  rb_forget tmp "$part"
  log_ok "downloaded and verified ${IMG[file]}"
}

# image_size: --disk must not be below the image's virtual size.
image_size() {
  local vsize need
  [[ -f "${IMG[path]}" ]] || return 0
  vsize="$(img_virtual_size "${IMG[path]}" || true)"
  [[ "$vsize" =~ ^[0-9]+$ ]] || linus_fail 5 "qemu-img cannot read ${IMG[path]}" "remove the file and run again"
  need=$(((vsize + 1073741823) / 1073741824))
  IMG[need_gib]="$need"
  if ((CFG_DISK * 1073741824 < vsize)); then
    linus_fail 1 "--disk ${CFG_DISK} GiB is below the image's virtual size (${need} GiB)" "use --disk ${need} or more"
  fi
}

# image_plan: the dry run's image step: print what would be fetched; read-only checks of a cached
# copy; IMG[src] as the VM would get it.
image_plan() {
  local cmd=()
  image_begin
  if [[ -n "${IMG[sums_url]}" ]]; then
    img_fetch_cmd cmd "${IMG[sums_url]}" "$LINUS_RUN_DIR/sums"
    log_cmd "${cmd[@]}"
  fi
  if [[ -f "${IMG[path]}" ]]; then
    log_info "a cached copy exists: ${IMG[path]} (verified against the vendor checksum at run time)"
    image_size
  else
    img_fetch_cmd cmd "${IMG[url]}" "${IMG[path]}.part"
    img_redacted "${IMG[url]}" log_cmd "${cmd[@]}"
    log_cmd mv -f "${IMG[path]}.part" "${IMG[path]}"
  fi
  IMG[src]="${IMG[path]}"
  [[ -z "${PVE_REMOTE_NODE:-}" ]] || IMG[src]="<downloaded onto ${PVE_REMOTE_NODE} by pvesh download-url>"
}
