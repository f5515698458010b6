# shellcheck shell=bash
# Action --version: version, sources sha256 (from the build), sha256 of the running file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/result.sh"

# act_version: version, sources sha256 (from the build) and the sha256 of the running file.
act_version() {
  local self="${BASH_SOURCE[-1]:-$0}" sum="unknown"
  if [[ -r "$self" ]]; then
    sum="$(sha256sum -- "$self")"
    sum="${sum%% *}"
  fi
  log_info "linus-provision ${_LINUS_VERSION:-dev}"
  res_reset
  res_set RESULT SUCCESS
  res_set VERSION "${_LINUS_VERSION:-dev}"
  res_set SOURCES_SHA256 "${_LINUS_SOURCES_SHA256:-unbuilt}"
  res_set SCRIPT_SHA256 "$sum"
  res_print
}
