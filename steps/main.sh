#!/usr/bin/env bash
# linus-provision: the entry of the bundle. Only definitions until the last line.
set -Eeuo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/options.sh"
source "$(dirname "${BASH_SOURCE[0]}")/actions.sh"
source "$(dirname "${BASH_SOURCE[0]}")/provision.sh"
source "$(dirname "${BASH_SOURCE[0]}")/preflight.sh"

# linus_main ARGS...: stdout becomes the protocol channel (fd 3), then the action runs.
linus_main() {
  exec 3>&1 1>&2
  umask 022
  LINUS_STEP=options
  LINUS_ERR_CODE="" VM_ID=""
  rb_reset
  linus_run_dir
  LINUS_RUN_ID="$(basename "$LINUS_RUN_DIR")"
  LINUS_RUN_ID="${LINUS_RUN_ID#linus-run.}-$$"
  linus_setup_traps
  opt_parse "$@"
  case "$CFG_ACTION" in
    help) act_help ;;
    version) act_version ;;
    provision)
      [[ "$CFG_DETACH" == 1 ]] && { CFG_ACTION=--detach; act_not_yet; }
      act_provision ;;
    preflight) act_preflight ;;
    check-options) act_check_options ;;
    destroy | status | list | wait) act_not_yet ;;
    *) linus_fail 1 "unknown action: ${CFG_ACTION}" "use provision, preflight, destroy, status, list or wait (see --help)" ;;
  esac
}

linus_main "$@"
