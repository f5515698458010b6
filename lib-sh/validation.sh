# shellcheck shell=bash
# Validators for the options. Convention: val_<what> VALUE [ARGS] returns 0 when
# valid (VAL_OUT = the normalised value), else 1 with a one-line reason in VAL_ERR saying what is
# wrong and what is accepted. VAL_ERR never repeats a secret (SSH key text); callers run them
# without a subshell: `if ! val_memory "$v"; then linus_fail 1 "$VAL_ERR" "..."; fi`.
# Pattern checks run with LC_ALL=C so that [a-z] never matches non-ASCII letters.
# Function definitions only; no side effects when sourced. The parts:
source "$(dirname "${BASH_SOURCE[0]}")/validation-num.sh"
source "$(dirname "${BASH_SOURCE[0]}")/validation-net.sh"
source "$(dirname "${BASH_SOURCE[0]}")/validation-id.sh"
source "$(dirname "${BASH_SOURCE[0]}")/validation-ssh.sh"

# val_fail REASON: VAL_ERR=REASON (forced onto one line), VAL_OUT="", return 1.
val_fail() {
  VAL_ERR="${1//[$'\r\n']/ }"
  VAL_OUT=""
  return 1
}

# val_ok VALUE: VAL_OUT=VALUE, VAL_ERR="", return 0.
val_ok() {
  VAL_OUT="$1"
  VAL_ERR=""
  return 0
}

# Names used by lib-sh/options.sh (opt_check NAME ...) for the validators above.
val_name() { val_dns_name "$@"; }
val_ip_cidr() { val_cidr "$@"; }
val_ip() { val_ip_mode "$@"; }
val_gateway() { val_gateway_in_subnet "$@"; }
val_dns() { val_dns_list "$@"; }
val_ssh_keys() { val_ssh_pubkeys "$@"; }
val_image_url() { val_url "$@"; }
val_node() { val_node_name "$@"; }
val_storage() { val_storage_id "$@"; }
