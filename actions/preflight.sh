# shellcheck shell=bash
# Action preflight: every check of step validate plus `source` (the image source answers), without
# changing anything, each reported with its result (LINUS_CHECK_<NAME>:ok | failed:<code>:<message>
# | skipped); then the storage with its free space (LINUS_STORAGE, LINUS_STORAGE_FREE_GIB,
# LINUS_STORAGE_TYPE) and the source (LINUS_IMAGE_SOURCE). The run fails with the first failure's
# code, message and remediation.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/img-fetch.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/catalog.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/validate.sh"

# The checks of preflight: those of step validate, then the image source (a provision fetches the
# vendor's checksum file anyway, so it does not probe it first).
PREFLIGHT_CHECKS=("${STEP_CHECKS[@]}" source)

# chk_source: the image source answers: the vendor's checksum file of --os (or the --image-url
# itself), one ranged GET (bytes 0-0: a signed URL made for GET may refuse HEAD) with short
# timeouts, the body thrown away (nothing is written). Exit 4 when it does not answer.
chk_source() {
  local url what out rc=0 fix
  if [[ -n "$CFG_IMAGE_URL" ]]; then
    url="$CFG_IMAGE_URL" what="the image URL"
  else
    img_catalog "$CFG_OS" || linus_fail 1 "unknown --os ${CFG_OS}" "see --help for the catalog"
    url="${IMG[sums_url]}" what="the checksum file of ${CFG_OS}"
  fi
  HOST[image_source]="$(val_url_shown "$url")"
  if command -v curl >/dev/null 2>&1; then
    out="$(timeout -k 2 25 curl -fsS -r 0-0 --connect-timeout 10 --max-time 20 \
      "$url" 2>&1 >/dev/null)" || rc=$?
  else
    out="$(timeout -k 2 25 wget -q --tries=1 --timeout=10 --header=Range:bytes=0-0 -O - \
      "$url" 2>&1 >/dev/null)" || rc=$?
  fi
  ((rc == 0)) && return 0
  out="$(val_url_redact "${out##*$'\n'}")"
  ((rc == 124 || rc == 137)) && out="no answer within 25 s"
  fix="check this host's DNS and internet access (curl -sSI URL), its proxy settings (https_proxy)"
  fix+=", or use a reachable mirror with --image-url and --image-sha256"
  linus_fail 4 "${what} does not answer: ${HOST[image_source]} (${out:-exit ${rc}})" "$fix"
}

# preflight_storage: the storage fields of the summary (from the storage check, no new call).
preflight_storage() {
  res_set STORAGE "${CFG_STORAGE:-unknown}"
  [[ "${HOST[storage_avail]:-}" =~ ^[0-9]+$ ]] && res_set_num STORAGE_FREE_GIB "$((HOST[storage_avail] / 1073741824))"
  [[ -z "${HOST[storage_type]:-}" ]] || res_set STORAGE_TYPE "${HOST[storage_type]}"
  [[ -z "${HOST[image_source]:-}" ]] || res_set IMAGE_SOURCE "${HOST[image_source]}"
  return 0
}

# preflight_snippets_warn: a warning when no storage has snippets content (VMs then get no agent).
preflight_snippets_warn() {
  local warn="no storage has snippets content: VMs get no guest agent; IPs then come from the neighbour table"
  warn+=" (pvesm set local --content iso,vztmpl,backup,snippets)"
  [[ -n "${HOST[snippet_storages]:-}" ]] || log_warn "$warn"
}

# preflight_passed: the closing line of a passed preflight (free space, the image source).
preflight_passed() {
  local free="${HOST[storage_avail]:+$((HOST[storage_avail] / 1073741824)) GiB }free"
  log_ok "preflight passed: storage ${CFG_STORAGE} has ${free}${HOST[image_source]:+, ${HOST[image_source]} answers}"
}

# preflight_run_check NAME: run one check in a subshell; the options (CFG_*) and STATE_CARRY
# (lib-sh/state.sh: the records and the Proxmox layer's caches) come back through a state file.
# Returns the check's exit code; the failure record is left in LINUS_ERR_*.
preflight_run_check() {
  local c="$1" state="$LINUS_RUN_DIR/check-state" rc=0
  rm -f "$state"
  (
    trap - ERR
    "chk_$c"
    # A cache the check did not fill is unset: declare -p skips it (and returns 1).
    # shellcheck disable=SC2046 # one variable name a word
    { declare -p $(compgen -v CFG_) "${STATE_CARRY[@]}" 2>/dev/null || true; } |
      sed 's/^declare -/declare -g -/' >"$state"
  ) || rc=$?
  if ((rc == 0)); then
    # linus: runtime-source (docs/COMPILER.md)
    # shellcheck disable=SC1090 # the state written just above
    [[ -f "$state" ]] && source "$state"
    return 0
  fi
  LINUS_ERR_CODE="" LINUS_ERR_MSG="" LINUS_ERR_FIX=""
  linus_take_subshell_failure || { LINUS_ERR_CODE="$rc" LINUS_ERR_MSG="check $c failed (exit $rc)"; }
  return "$rc"
}

act_preflight() {
  local c key first="" skip="" f_code f_step f_msg f_fix
  log_step preflight "checking the host and the settings (nothing is changed)"
  res_reset
  LINUS_FAIL_EXTRA=()
  for c in "${PREFLIGHT_CHECKS[@]}"; do
    key="CHECK_${c^^}"
    if [[ -n "$skip" ]]; then
      LINUS_FAIL_EXTRA+=("$key=skipped (needs ${skip})")
      continue
    fi
    if preflight_run_check "$c"; then
      LINUS_FAIL_EXTRA+=("$key=ok")
      log_ok "check ${c}"
      continue
    fi
    LINUS_FAIL_EXTRA+=("$key=failed:${LINUS_ERR_CODE}:${LINUS_ERR_MSG}")
    log_error "check ${c} (exit ${LINUS_ERR_CODE}): ${LINUS_ERR_MSG}"
    log_info "remediation: ${LINUS_ERR_FIX}"
    if [[ -z "$first" ]]; then
      first=1 f_code="$LINUS_ERR_CODE" f_step="$c" f_msg="$LINUS_ERR_MSG" f_fix="$LINUS_ERR_FIX"
    fi
    case "$c" in root | tools | version | node) skip="$c" ;; esac
  done
  opt_freeze # the checks ran in subshells; their values (the node) are back
  LINUS_FAIL_EXTRA+=("PVE_VERSION=${HOST[pve_version]:-unknown}" "VM_NODE=${CFG_NODE:-unknown}"
    "SNIPPET_STORAGES=${HOST[snippet_storages]:-none}")
  if [[ -n "$first" ]]; then
    LINUS_STEP="$f_step"
    linus_fail "$f_code" "$f_msg" "$f_fix"
  fi
  preflight_snippets_warn
  res_set RESULT SUCCESS
  for c in "${LINUS_FAIL_EXTRA[@]}"; do res_set "${c%%=*}" "${c#*=}"; done
  LINUS_FAIL_EXTRA=()
  preflight_storage
  preflight_passed
  res_print
}
