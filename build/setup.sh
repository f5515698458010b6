#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for building, testing and the demo:
# system packages (shellcheck, shfmt, OpenSSH client and server, dash, perl, iproute2), then `npm ci`.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DEBIAN_FRONTEND=noninteractive
need=()
command -v shellcheck >/dev/null || need+=(shellcheck)
[[ -x /usr/sbin/sshd ]] || need+=(openssh-server)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
command -v dash >/dev/null || need+=(dash)
command -v perl >/dev/null || need+=(perl)
command -v unshare >/dev/null || need+=(util-linux)
command -v ip >/dev/null || need+=(iproute2)
command -v flock >/dev/null || need+=(util-linux)
command -v shfmt >/dev/null || need+=(shfmt)
command -v parallel >/dev/null || need+=(parallel) # bats --jobs runs test files in parallel through GNU parallel
if [[ "${#need[@]}" -gt 0 ]]; then
  sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
npm ci --no-audit --no-fund
