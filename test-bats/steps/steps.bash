# shellcheck shell=bash
# Shared by test-bats/steps/*.bats: the step modules sourced into the test, a fresh simulated
# host, and in_step to run step code the way linus_main does (traps, run dir, fd 3).
load '../helpers/common'
load '../helpers/sim'
bats_require_minimum_version 1.5.0
for f in provision preflight help check-options; do
  # shellcheck source=/dev/null # the actions are checked on their own
  source "$REPO_ROOT/actions/$f.sh"
done

# steps_init [pvesim init options]: a fresh host and default options.
steps_init() {
  sim_setup "$@"
  unset VM_NAME VM_CPU VM_RAM VM_DISK VM_OS VM_IP VM_ID DRY_RUN KEEP_ON_FAILURE
}

# in_step 'CODE': run CODE (after opt_parse of $IN_STEP_ARGS) in a new bash, the way linus_main
# runs steps (set -Eeuo pipefail, traps, run dir, fd 3); failures print the FAILURE lines. A new
# process, because inside bats' `run` errexit and the ERR trap would be off.
in_step() {
  bash -c '
    set -Eeuo pipefail
    for f in provision preflight help check-options; do source "$REPO_ROOT/actions/$f.sh"; done
    exec 3>&1
    rb_reset
    LINUS_STEP=options
    linus_run_dir
    linus_setup_traps
    opt_parse ${IN_STEP_ARGS:-}
    eval "$1"
  ' in_step "$1"
}

# validated: run the options and host checks (as step_validate does) before CODE.
validated() { printf 'step_validate >/dev/null 2>&1; %s' "$1"; }
