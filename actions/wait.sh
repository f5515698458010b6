# shellcheck shell=bash
# Action wait JOB [--timeout S]: the final lines and exit code of a provision --detach job.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/options.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/job.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"

# act_wait: wait up to --timeout seconds for job CFG_TARGET; its final lines and exit code, or
# RUNNING with its current step (exit 0).
act_wait() {
  local id="$CFG_TARGET" dir rc start polls=0
  LINUS_STEP="wait"
  [[ -n "$id" ]] || linus_fail 3 "wait needs a job id" \
    "write: wait JOB [--timeout SECONDS] (JOB from LINUS_JOB of provision --detach)"
  opt_validate wait # --timeout: 0 (look once, do not wait) or 1..86400
  opt_freeze
  dir="$(job_dir "$id")"
  start="$(printf '%(%s)T' -1)"
  while [[ ! -f "$dir/rc" ]]; do
    if ! job_alive "$dir"; then
      [[ -f "$dir/rc" ]] && break
      linus_fail 5 \
        "job ${id} ended without a result (its process $(<"$dir/pid") is gone; last step: $(job_step "$dir"))" \
        "read its log ${dir}/log, check the VM with status/list, then provision again"
    fi
    if (($(printf '%(%s)T' -1) - start >= ${CFG_TIMEOUT:-600})); then
      res_reset
      res_set RESULT RUNNING
      res_set JOB "$id"
      res_set STEP "$(job_step "$dir")"
      res_set_num ELAPSED_SECONDS "$(($(printf '%(%s)T' -1) - $(stat -c %Y "$dir/pid")))"
      log_info "job ${id} is still running (step $(job_step "$dir")); ask again: wait ${id}"
      res_print
      return 0
    fi
    pve_poll_sleep "$((++polls))" # the job's files are local: the guest polls' cadence, not a flat 2 s
  done
  rc="$(<"$dir/rc")"
  [[ "$rc" =~ ^[0-9]+$ ]] || rc=5
  if ! grep -q '^LINUS_JSON:' "$dir/out" 2>/dev/null; then
    linus_fail 5 "job ${id} ended with exit code ${rc} but printed no result" "read its log ${dir}/log"
  fi
  log_info "job ${id} finished with exit code ${rc}"
  cat -- "$dir/out" >&3
  job_exit "$rc"
}
