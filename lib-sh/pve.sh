# shellcheck shell=bash
# shellcheck disable=SC2034 # PVE_/IMG_ globals set here are read by the callers
# Proxmox calls: read-only pvesh queries (their JSON answered by lib-sh/pq.sh), and mutating commands that
# keep their output aside (shown, URL queries redacted, only when they fail), keep their stderr for the
# error message, and only print themselves under --dry-run.
source "$(dirname "${BASH_SOURCE[0]}")/logging.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pq.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve-node.sh"
source "$(dirname "${BASH_SOURCE[0]}")/validation-id.sh"

# pve_get PATH [ARGS...]: `pvesh get PATH ARGS --output-format json` into PVE_OUT; on failure
# returns the exit code with the error text in PVE_ERR.
pve_get() {
  local errf rc=0
  errf="$(mktemp "${LINUS_RUN_DIR:-${TMPDIR:-/tmp}}/pvesh.XXXXXX")"
  PVE_OUT="$(pvesh get "$@" --output-format json 2>"$errf")" || rc=$?
  PVE_ERR="$(pve_err_text "$errf")"
  rm -f "$errf"
  return "$rc"
}

# pve_err_text FILE: the meaningful lines of a PVE error output, on one line (usage lines and
# blank lines dropped).
pve_err_text() {
  grep -v -E '^(qm|pvesh|pvesm) [a-z]|^USAGE:|^\s*$' "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ *$//' || true
}

# pve_run CMD [ARGS...]: run a changing command. Its output (import progress, "update VM",
# "successfully created disk"...) is tool chatter, not for people: kept aside and shown, indented,
# only when the command fails (its WARN lines always are); its stderr is kept in PVE_ERR. Under
# --dry-run the command is only printed. Returns the command's exit code.
pve_run() {
  local errf outf rc=0
  log_cmd "$@"
  if [[ "${CFG_DRY_RUN:-0}" == 1 ]]; then
    PVE_ERR=""
    return 0
  fi
  errf="$(mktemp "${LINUS_RUN_DIR:-${TMPDIR:-/tmp}}/run.XXXXXX")"
  outf="$(mktemp "${LINUS_RUN_DIR:-${TMPDIR:-/tmp}}/out.XXXXXX")"
  { "$@" 2>&1 1>&3 3>&- | tee "$errf" >&3; } 3>"$outf" || rc=$?
  PVE_ERR="$(pve_err_text "$errf")"
  if ((rc != 0)) && [[ -s "$outf" ]]; then
    log_info "$(val_url_redact "$(<"$outf")")"
  elif grep -qiE '^(WARN|warning)' "$errf"; then
    log_warn "$(grep -iE '^(WARN|warning)' "$errf")"
  fi
  rm -f "$errf" "$outf"
  return "$rc"
}

# pve_version: PVE_VERSION (e.g. 8.2.4), PVE_MAJOR, PVE_MINOR from the installed pve-manager
# package (dpkg-query: no Proxmox call), else from `pveversion`; 1 if unparsable.
pve_version() {
  local out
  out="$(dpkg-query -W -f '${Version}' pve-manager 2>/dev/null)" || out=""
  [[ "$out" =~ ^[0-9]+\.[0-9]+ ]] && out="pve-manager/${out}"
  [[ -n "$out" ]] || out="$(pveversion 2>/dev/null)" || return 1
  if [[ "$out" =~ pve-manager/([0-9]+)\.([0-9]+)(\.[0-9]+)? ]]; then
    HOST[pve_version]="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
    PVE_MAJOR="${BASH_REMATCH[1]}"
    PVE_MINOR="${BASH_REMATCH[2]}"
    return 0
  fi
  return 1
}

# pve_resources: RESOURCES_JSON from ONE `pvesh get /cluster/resources` (no --type: nodes,
# storages and guests at once), fetched once per run; returns pvesh's code (PVE_ERR).
pve_resources() {
  [[ -z "${RESOURCES_JSON:-}" ]] || return 0
  pve_get /cluster/resources || return
  RESOURCES_JSON="$PVE_OUT"
}

# pve_poll_sleep N: sleep after the Nth failed poll of the guest (the first poll runs at once):
# LINUS_POLL_INTERVAL seconds when set, else 0.2, 0.3, then 0.5 up to poll 20 (about 9 s), 1 up
# to poll 40, then 2. A real host is asked at most every 0.5 s after its first half second, and
# every 2 s once the guest takes long.
pve_poll_sleep() {
  local n="$1" d=2
  if [[ -n "${LINUS_POLL_INTERVAL:-}" ]]; then
    d="$LINUS_POLL_INTERVAL"
  elif ((n <= 1)); then
    d=0.2
  elif ((n == 2)); then
    d=0.3
  elif ((n <= 20)); then
    d=0.5
  elif ((n <= 40)); then
    d=1
  fi
  sleep "$d"
}

# pve_local_node: the name of the node the script runs on (hostname up to the first dot), kept
# in PVE_LOCAL_NODE by the first call outside a $(...) (chk_node's): one `hostname` per run.
pve_local_node() {
  if [[ -z "${PVE_LOCAL_NODE:-}" ]]; then
    PVE_LOCAL_NODE="$(hostname 2>/dev/null || true)"
    [[ -n "$PVE_LOCAL_NODE" ]] || PVE_LOCAL_NODE="${HOSTNAME:-}"
    PVE_LOCAL_NODE="${PVE_LOCAL_NODE%%.*}"
  fi
  printf '%s\n' "$PVE_LOCAL_NODE"
}

# pve_config_get VMID: `qm config VMID` into PVE_CONFIG (key: value lines); returns qm's code.
pve_config_get() {
  local errf rc=0
  errf="$(mktemp "${LINUS_RUN_DIR:-${TMPDIR:-/tmp}}/qm.XXXXXX")"
  PVE_CONFIG="$(qm config "$1" 2>"$errf")" || rc=$?
  PVE_ERR="$(pve_err_text "$errf")"
  rm -f "$errf"
  return "$rc"
}

# pve_config_value KEY: the value of KEY in PVE_CONFIG (empty when absent).
pve_config_value() {
  local line
  while IFS= read -r line; do
    if [[ "$line" == "$1: "* ]]; then
      printf '%s\n' "${line#"$1: "}"
      return 0
    fi
  done <<<"${PVE_CONFIG:-}"
  return 0
}

# pve_size_gib SIZE: a PVE size (e.g. 50G, 3584M, 1T, 2252341248) in whole GiB, rounded down.
pve_size_gib() {
  local s="$1" n unit
  [[ "$s" =~ ^([0-9]+)(\.[0-9]+)?([KMGT]?)$ ]] || {
    echo 0
    return 0
  }
  n="${BASH_REMATCH[1]}" unit="${BASH_REMATCH[3]}"
  case "$unit" in
    T) echo $((n * 1024)) ;;
    G) echo "$n" ;;
    M) echo $((n / 1024)) ;;
    K) echo $((n / 1024 / 1024)) ;;
    *) echo $((n / 1024 / 1024 / 1024)) ;;
  esac
}
