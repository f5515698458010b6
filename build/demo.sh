#!/usr/bin/env bash
# npm run demo: build the bundle, print the upload commands, then play the agent's part on the
# built-in Proxmox simulator: send every upload command, run the acceptance provision
# ("Ubuntu 24.04, 4 CPU, 8 GB RAM, 50 GB disk") with the printed run line, and show the result.
# Nothing leaves this machine: when allowed, the host side runs in a private network namespace.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\n\033[1m%s\033[0m\n' "$*" >&2; }
[[ -t 2 && -z "${NO_COLOR:-}" ]] || say() { printf '\n== %s\n' "$*" >&2; }

say "1/4 build"
npm run --silent build

max="${DEMO_MAX_CHARS:-5000}"
say "2/4 upload commands for an MCP exec tool (max ${max} characters each; one tool call per line)"
mapfile -t cmds < <(node dist/cli.js upload --max-chars "$max")
for c in "${cmds[@]}"; do
  if [[ "${#c}" -gt 160 ]]; then printf '%s ... (%d chars)\n' "${c:0:140}" "${#c}"; else printf '%s\n' "$c"; fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
remote="$work/remote/linus-provision-proxmox.sh"
mkdir -p "$work/remote" "$work/home/.ssh" "$work/pvesim"
export PVESIM_DIR="$work/pvesim" HOME="$work/home" PATH="$PWD/test-bats/sim/bin:$PATH"
export LINUS_STATE_DIR="$work/state" LINUS_CACHE_DIR="$work/cache" LINUS_LOCK_DIR="$work/lock"
ssh-keygen -q -t ed25519 -N '' -C root@pve -f "$HOME/.ssh/id_ed25519"
pvesim init --version 8.3 >/dev/null

say "3/4 sending them to a simulated Proxmox host (remote path $remote)"
mapfile -t cmds < <(node dist/cli.js upload --max-chars "$max" --remote-path "$remote")
for c in "${cmds[@]}"; do sh -c "$c" | tail -n 1; done

wrap=()
if [[ "$(id -u)" == 0 ]] && unshare -n true 2>/dev/null; then wrap=(unshare -n); fi
run_line="$(node dist/cli.js run-command --remote-path "$remote" -- \
  --name web1 --cores 4 --memory 8G --disk 50G --os ubuntu-24.04)"
say "4/4 provisioning: $run_line"
out="$("${wrap[@]}" sh -c "$run_line")" || true
printf '%s\n' "$out" | grep -v '^LINUS_' >&2 || true

say "result (the lines an agent parses)"
printf '%s\n' "$out" | grep '^LINUS_'
printf '%s\n' "$out" | grep -qx 'LINUS_RESULT:SUCCESS'
ip="$(printf '%s\n' "$out" | sed -n 's/^LINUS_VM_IP://p')"
user="$(printf '%s\n' "$out" | sed -n 's/^LINUS_VM_USER://p')"
say "done: the VM answers at ssh ${user}@${ip} (simulated); VM config on the simulator:"
qm config "$(printf '%s\n' "$out" | sed -n 's/^LINUS_VM_ID://p')" >&2
