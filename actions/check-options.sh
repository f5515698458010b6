# shellcheck shell=bash
# Action check-options: the option values alone, offline (used by `linus provision-cmd`).
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/options.sh"

# act_check_options: the option values alone, offline (used by `linus provision-cmd`).
act_check_options() {
  LINUS_STEP=options
  chk_options
  opt_freeze
  res_reset
  res_set RESULT VALID
  res_print
}
