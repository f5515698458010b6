#!/usr/bin/env bash
# linus-provision: the entry of the bundle (placeholder until the provisioning steps land).
set -Eeuo pipefail

linus_main() {
  echo "LINUS_RESULT:FAILURE"
  echo "LINUS_ERROR:not implemented yet"
  return 5
}

linus_main "$@"
