# shellcheck shell=bash
# Action provision: validate, image, create (allocate + cloud-init + resize), start, network,
# ssh, then the result lines.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/validate.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/image.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/template.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/create.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/network.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/ssh.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/reuse.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../steps/output.sh"

act_provision() {
  local t0
  t0="$(printf '%(%s)T' -1)"
  step_reuse
  [[ "$VM_REUSED" == 1 ]] && return 0
  step_validate
  step_image
  step_template
  step_create
  step_start
  step_network
  step_ssh
  step_output "$t0"
}

