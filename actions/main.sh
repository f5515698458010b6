#!/usr/bin/env bash
# linus-provision: the entry of the bundle. Only definitions until the last line.
set -Eeuo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/options.sh"
source "$(dirname "${BASH_SOURCE[0]}")/help.sh"
source "$(dirname "${BASH_SOURCE[0]}")/version.sh"
source "$(dirname "${BASH_SOURCE[0]}")/check-options.sh"
source "$(dirname "${BASH_SOURCE[0]}")/provision.sh"
source "$(dirname "${BASH_SOURCE[0]}")/preflight.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/job.sh"
source "$(dirname "${BASH_SOURCE[0]}")/wait.sh"
source "$(dirname "${BASH_SOURCE[0]}")/destroy.sh"
source "$(dirname "${BASH_SOURCE[0]}")/status.sh"
source "$(dirname "${BASH_SOURCE[0]}")/list.sh"

# linus_main ARGS...: stdout becomes the protocol channel (fd 3), then the action runs.
linus_main() {
  exec 3>&1 1>&2
  umask 022
  LINUS_STEP=options
  # VM_ID/VM_IP of the environment are inputs: opt_parse reads them into CFG_* and clears them
  LINUS_ERR_CODE=""
  rb_reset
  linus_run_dir
  LINUS_RUN_ID="$(basename "$LINUS_RUN_DIR")"
  LINUS_RUN_ID="${LINUS_RUN_ID#linus-run.}-$$"
  linus_setup_traps
  opt_parse "$@"
  if [[ "$CFG_DETACH" == 1 && ! "$CFG_ACTION" =~ ^(provision|check-options|help|version)$ ]]; then
    linus_fail 1 "--detach works only with provision, not with ${CFG_ACTION}" "drop --detach"
  fi
  # these check no option value; the others freeze the options once they checked them
  [[ ! "$CFG_ACTION" =~ ^(help|version|list)$ ]] || opt_freeze
  case "$CFG_ACTION" in
    help) act_help ;;
    version) act_version ;;
    provision)
      if [[ "$CFG_DETACH" == 1 ]]; then job_start "$@"; else act_provision; fi
      ;;
    preflight) act_preflight ;;
    check-options) act_check_options ;;
    destroy) act_destroy ;;
    status) act_status ;;
    list) act_list ;;
    wait) act_wait ;;
    *)
      linus_fail 1 "unknown action: ${CFG_ACTION}" \
        "use provision, preflight, destroy, status, list or wait (see --help)"
      ;;
  esac
}

linus_main "$@"
