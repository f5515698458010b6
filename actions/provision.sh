# shellcheck shell=bash
# Action provision: validate, image, create (allocate + cloud-init + resize), start, network,
# ssh, then the result lines.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/validate.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/image.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/template.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/create.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/start.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/network.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/ssh.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/reuse.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/output.sh"

# The provision pipeline: each name is steps/NAME.sh with its one step_NAME, run in this order.
# A step that finishes the action early (reuse: the VM exists already) sets VM[reused]=1.
# The dry run is decided here, once: a step with a plan (NAME_plan: what it would do, read-only)
# runs that instead; the others run as they are (their Proxmox changes are logged, not made, by
# pve_run in lib-sh/pve.sh).
PROVISION_STEPS=(reuse validate image template create start network ssh output)

act_provision() {
  local s run
  for s in "${PROVISION_STEPS[@]}"; do
    run="step_${s}"
    [[ "$CFG_DRY_RUN" != 1 ]] || ! declare -F "${s}_plan" >/dev/null || run="${s}_plan"
    "$run"
    [[ "${VM[reused]:-0}" == 1 ]] && return 0
  done
  return 0
}
