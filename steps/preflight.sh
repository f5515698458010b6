# shellcheck shell=bash
# Action preflight: every check of step validate, without changing anything, each reported with
# its result (LINUS_CHECK_<NAME>:ok | failed:<code>:<message> | skipped); the run fails with the
# first failure's code, message and remediation.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/validate.sh"

# step_run_check NAME: run one check in a subshell; its globals come back through a state file.
# Returns the check's exit code; the failure record is left in LINUS_ERR_*.
step_run_check() {
  local c="$1" state="$LINUS_RUN_DIR/check-state" rc=0
  rm -f "$state"
  (
    trap - ERR
    "step_chk_$c"
    # shellcheck disable=SC2046 # one variable name a word
    declare -p $(compgen -v | grep -E '^(CFG_|PVE_|SNIPPET_|HOST_KEY|RESOURCES_JSON|VM_NODE|LINUS_WARNINGS$)') 2>/dev/null |
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
  for c in "${STEP_CHECKS[@]}"; do
    key="CHECK_${c^^}"
    if [[ -n "$skip" ]]; then
      LINUS_FAIL_EXTRA+=("$key=skipped (needs ${skip})")
      continue
    fi
    if step_run_check "$c"; then
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
  LINUS_FAIL_EXTRA+=("PVE_VERSION=${PVE_VERSION:-unknown}" "VM_NODE=${CFG_NODE:-unknown}"
    "SNIPPET_STORAGES=${SNIPPET_STORAGES:-none}")
  if [[ -n "$first" ]]; then
    LINUS_STEP="$f_step"
    linus_fail "$f_code" "$f_msg" "$f_fix"
  fi
  [[ -n "${SNIPPET_STORAGES:-}" ]] || log_warn "no storage has snippets content: VMs get no guest agent; IPs then come from the neighbour table (pvesm set local --content iso,vztmpl,backup,snippets)"
  res_set RESULT SUCCESS
  for c in "${LINUS_FAIL_EXTRA[@]}"; do res_set "${c%%=*}" "${c#*=}"; done
  LINUS_FAIL_EXTRA=()
  log_ok "preflight passed"
  res_print
}
