#!/usr/bin/env bats
# lib-sh/pve.sh pve_poll_sleep: the guest poll cadence (backoff, or LINUS_POLL_INTERVAL).
load '../helpers/common'

setup() {
  # shellcheck source=/dev/null # checked on its own
  source "$REPO_ROOT/lib-sh/pve.sh"
  # shellcheck disable=SC2317 # called inside bash -c through declare -f
  sleep() { printf '%s ' "$1"; } # record the delay instead of sleeping
}

@test "backoff: 0.2, 0.3, then 0.5 up to poll 20, 1 up to 40, then 2" {
  unset LINUS_POLL_INTERVAL
  run bash -c "$(declare -f pve_poll_sleep sleep); for n in 1 2 3 20 21 40 41 100; do pve_poll_sleep \$n; done"
  [ "$status" -eq 0 ]
  [ "$output" = "0.2 0.3 0.5 0.5 1 1 2 2 " ]
}

@test "LINUS_POLL_INTERVAL wins at every poll" {
  LINUS_POLL_INTERVAL=0.1 run bash -c "$(declare -f pve_poll_sleep sleep); for n in 1 2 50; do pve_poll_sleep \$n; done"
  [ "$status" -eq 0 ]
  [ "$output" = "0.1 0.1 0.1 " ]
}
