# shellcheck shell=bash
# Core: failing (linus_fail), the EXIT/ERR/signal traps, source locations, the run's temp dir.
# Function definitions only; no side effects when sourced (but state.sh's records: lib-sh/state.sh).
source "$(dirname "${BASH_SOURCE[0]}")/logging.sh"
source "$(dirname "${BASH_SOURCE[0]}")/result.sh"
source "$(dirname "${BASH_SOURCE[0]}")/journal.sh"
source "$(dirname "${BASH_SOURCE[0]}")/state.sh"

# linus_srcloc LINE [FILE]: "source/path:line" for a line of the running script. Bundled, the
# compiler's _LINUS_LINEMAP (triples: bundle_start 'path' source_start) maps a bundle line back
# to its source; run from the sources, FILE (default: the caller's file) and LINE are used as is.
linus_srcloc() {
  local line="$1" file="${2:-${BASH_SOURCE[1]:-?}}" i start path sline best=-1
  if declare -p _LINUS_LINEMAP >/dev/null 2>&1; then
    # shellcheck disable=SC2154 # _LINUS_LINEMAP is emitted by the compiler into the bundle
    for ((i = 0; i + 2 < ${#_LINUS_LINEMAP[@]}; i += 3)); do
      start="${_LINUS_LINEMAP[i]}"
      if ((start <= line && start > best)); then
        best="$start" path="${_LINUS_LINEMAP[i + 1]}" sline="${_LINUS_LINEMAP[i + 2]}"
      fi
    done
    if ((best >= 0)); then
      printf '%s:%s\n' "$path" "$((sline + line - best))"
      return 0
    fi
  fi
  printf '%s:%s\n' "${file#./}" "$line"
}

# linus_fail CODE MESSAGE [REMEDIATION]: record the error and exit with CODE. Inside a subshell
# ($( ... )) the record is also written to the run dir, so the parent reports this error rather
# than a generic one.
linus_fail() {
  LINUS_ERR_CODE="$1"
  LINUS_ERR_MSG="${2//$'\n'/ }"
  LINUS_ERR_FIX="${3:-}"
  LINUS_ERR_FIX="${LINUS_ERR_FIX//$'\n'/ }"
  LINUS_ERR_STEP="${LINUS_STEP:-main}"
  if ((BASH_SUBSHELL > 0)) && [[ -n "${LINUS_RUN_DIR:-}" && -d "${LINUS_RUN_DIR}" ]]; then
    printf '%s\n%s\n%s\n%s\n' "$LINUS_ERR_CODE" "$LINUS_ERR_STEP" "$LINUS_ERR_MSG" \
      "$LINUS_ERR_FIX" >"$LINUS_RUN_DIR/failure"
  fi
  exit "$LINUS_ERR_CODE"
}

# linus_take_subshell_failure: adopt a failure recorded by linus_fail in a subshell; 0 if found.
linus_take_subshell_failure() {
  local f="${LINUS_RUN_DIR:-/nonexistent}/failure"
  [[ -f "$f" ]] || return 1
  {
    read -r LINUS_ERR_CODE
    read -r LINUS_ERR_STEP
    read -r LINUS_ERR_MSG
    read -r LINUS_ERR_FIX
  } <"$f" || true
  rm -f "$f"
  return 0
}

# linus_on_err LINE FILE: the ERR trap. An unexpected failing command becomes exit code 5.
linus_on_err() {
  local rc="$1" line="$2" file="$3" cmd="${4:-}" loc
  trap - ERR
  if linus_take_subshell_failure; then
    exit "$LINUS_ERR_CODE"
  fi
  loc="$(linus_srcloc "$line" "$file")"
  linus_fail 5 "unexpected failure (exit ${rc}) in step ${LINUS_STEP:-main} at ${loc}: ${cmd}" \
    "re-run with the same options; if it fails again, report the line above with the stderr log"
}

# linus_on_signal NAME: a signal; from here on further signals are ignored (by the cleanup's
# commands too), so a second Ctrl-C cannot cut the rollback short.
linus_on_signal() {
  trap '' INT TERM HUP
  linus_fail 130 "interrupted by signal $1" \
    "re-run the command; nothing created was left behind unless LINUS_CLEANUP says kept"
}

# linus_fd_id FD: device:inode of what FD of this shell is open on (empty when closed).
linus_fd_id() {
  stat -L -c '%d:%i' "/proc/${BASHPID}/fd/$1" 2>/dev/null || true
}

# linus_proto_restore: a trap can run inside a command whose redirections moved fd 3 (pve_run
# points it at stderr while a tool runs); bash keeps the original on a high fd meanwhile. Point
# fd 3 back at the protocol channel recorded by linus_setup_traps, so the FAILURE lines of an
# interrupted run still go to stdout.
linus_proto_restore() {
  local f
  [[ -n "${LINUS_PROTO_ID:-}" && "$(linus_fd_id 3)" != "$LINUS_PROTO_ID" ]] || return 0
  for f in "/proc/${BASHPID}/fd/"*; do
    if [[ "$(stat -L -c '%d:%i' "$f" 2>/dev/null)" == "$LINUS_PROTO_ID" ]]; then
      exec 3>>"$f"
      return 0
    fi
  done
}

# linus_setup_traps: install the ERR, EXIT and signal traps; remember the protocol channel.
linus_setup_traps() {
  LINUS_PROTO_ID="$(linus_fd_id 3)"
  trap 'linus_on_err "$?" "$LINENO" "${BASH_SOURCE[0]:-}" "$BASH_COMMAND"' ERR
  trap 'linus_on_exit "$?"' EXIT
  trap 'linus_on_signal INT' INT
  trap 'linus_on_signal TERM' TERM
  trap 'linus_on_signal HUP' HUP
}

# linus_run_dir: a private temp dir for this run (mode 700), removed at exit.
linus_run_dir() {
  if [[ -z "${LINUS_RUN_DIR:-}" || ! -d "${LINUS_RUN_DIR}" ]]; then
    LINUS_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/linus-run.XXXXXX")"
    chmod 700 "$LINUS_RUN_DIR"
  fi
}

# linus_on_exit RC: the EXIT trap. Rollback on failure, FAILURE lines, temp files removed.
linus_on_exit() {
  local rc="$1" cleanup=none
  trap - EXIT ERR
  trap '' INT TERM HUP # the rollback runs to its end whatever arrives now
  set +e
  if ((rc != 0)); then
    linus_take_subshell_failure || true
    if [[ -z "${LINUS_ERR_CODE:-}" ]]; then
      LINUS_ERR_CODE="$rc" LINUS_ERR_STEP="${LINUS_STEP:-main}"
      LINUS_ERR_MSG="failed with exit code $rc" LINUS_ERR_FIX="see the messages on stderr"
    fi
    if rb_has_undo; then
      if [[ "${CFG_KEEP_ON_FAILURE:-0}" == 1 ]]; then
        cleanup=kept
        log_warn "keeping what was created (--keep-on-failure): $(rb_describe)"
      elif rb_undo; then
        cleanup=destroyed
      else
        # say honestly what is left and how to remove it (destroyed|kept|none)
        cleanup=kept
        log_error "rollback did not remove everything: $(rb_describe)"
        LINUS_ERR_FIX="${LINUS_ERR_FIX:+${LINUS_ERR_FIX}; }"
        LINUS_ERR_FIX+="the rollback could not remove $(rb_describe); remove it with: $(rb_remedy)"
        LINUS_FAIL_EXTRA+=("CLEANUP_LEFT=$(rb_describe)")
      fi
    fi
    linus_print_failure "$cleanup"
    rc="$LINUS_ERR_CODE"
  fi
  rb_cleanup_tmp
  [[ -n "${LINUS_RUN_DIR:-}" ]] && rm -rf "$LINUS_RUN_DIR"
  exit "$rc"
}

# linus_print_failure CLEANUP: the FAILURE protocol lines (plus any extra res_ lines kept in
# LINUS_FAIL_EXTRA as KEY=VALUE entries).
linus_print_failure() {
  local kv
  linus_proto_restore
  log_error "${LINUS_ERR_MSG}"
  [[ -n "${LINUS_ERR_FIX}" ]] && log_info "remediation: ${LINUS_ERR_FIX}"
  res_failure_head "$LINUS_ERR_CODE" "$LINUS_ERR_STEP" "$LINUS_ERR_MSG" "${LINUS_ERR_FIX:-none}" "$1" "${VM[id]:-}"
  for kv in "${LINUS_FAIL_EXTRA[@]+"${LINUS_FAIL_EXTRA[@]}"}"; do
    res_set "${kv%%=*}" "${kv#*=}"
  done
  res_print
}

# linus_lock NAME WAIT: flock $LINUS_LOCK_DIR/NAME.lock within WAIT seconds on a new fd (kept in
# LINUS_LOCK_FD); 1 on timeout. linus_unlock FD releases it.
linus_lock() {
  local dir="${LINUS_LOCK_DIR:-/run/lock/linus-provision}"
  mkdir -p "$dir"
  exec {LINUS_LOCK_FD}>>"$dir/$1.lock"
  flock -w "$2" "$LINUS_LOCK_FD"
}

linus_unlock() {
  local fd="${1:-}"
  [[ -n "$fd" ]] || return 0
  exec {fd}>&-
}
