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
# A step that finishes the action early (reuse: the VM exists already) sets VM_REUSED=1.
PROVISION_STEPS=(reuse validate image template create start network ssh output)

act_provision() {
  local s
  for s in "${PROVISION_STEPS[@]}"; do
    "step_${s}"
    [[ "${VM[reused]:-0}" == 1 ]] && return 0
  done
  return 0
}
