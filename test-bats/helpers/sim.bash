# shellcheck shell=bash
# bats helper for the Proxmox simulator: `load '../helpers/sim'`, then `sim_setup [pvesim init
# options]` in setup(). See test-bats/sim/README.md.

SIM_HELPER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SIM_BIN="$(cd "$SIM_HELPER_DIR/../sim/bin" && pwd)"
export SIM_BIN

# sim_setup [pvesim init options...]: a fresh simulated host for this test. Exports PVESIM_DIR,
# puts the fake tools first on PATH, makes HOME a temp home with the host root key
# .ssh/id_ed25519{,.pub}, and points LINUS_STATE_DIR/LINUS_CACHE_DIR/LINUS_LOCK_DIR into the
# test's temp dir with LINUS_POLL_INTERVAL=0.1, and LINUS_PVE_ETC to the simulator's /etc/pve.
sim_setup() {
  local base="${BATS_TEST_TMPDIR:?sim_setup runs inside a bats test}"
  export PVESIM_DIR="$base/pvesim"
  export PATH="$SIM_BIN:$PATH"
  export HOME="$base/home"
  export LINUS_STATE_DIR="$base/linus-state"
  export LINUS_CACHE_DIR="$base/linus-cache"
  export LINUS_LOCK_DIR="$base/linus-lock"
  export LINUS_POLL_INTERVAL=0.1
  export LINUS_PVE_ETC="$PVESIM_DIR/etc-pve" # the simulator's /etc/pve view of guest configs
  mkdir -p "$PVESIM_DIR" "$HOME/.ssh" "$LINUS_STATE_DIR" "$LINUS_CACHE_DIR" "$LINUS_LOCK_DIR"
  chmod 700 "$HOME/.ssh" "$LINUS_STATE_DIR"
  rm -f "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
  ssh-keygen -q -t ed25519 -N '' -C 'root@pve' -f "$HOME/.ssh/id_ed25519"
  pvesim init "$@"
}

# sim_calls [pvesim calls options...]: the call log (JSON lines), e.g. sim_calls --tool qm.
sim_calls() { pvesim calls "$@"; }

# sim_calls_mutating: the mutating calls as "tool args..." lines (empty when none).
sim_calls_mutating() { pvesim calls --mutating --args; }

# sim_count_mutating: how many mutating calls were made.
sim_count_mutating() { pvesim calls --mutating --count; }

# assert_no_mutating_calls: fails (listing them) when any mutating call was made.
assert_no_mutating_calls() {
  local m
  m="$(sim_calls_mutating)"
  if [[ -n "$m" ]]; then
    printf 'expected no mutating calls, got:\n%s\n' "$m" >&2
    return 1
  fi
}

# assert_call REGEX: some call, as "tool args...", matches the extended REGEX.
assert_call() {
  if ! pvesim calls --args | grep -Eq -- "$1"; then
    printf 'no call matches /%s/; calls were:\n%s\n' "$1" "$(pvesim calls --args)" >&2
    return 1
  fi
}

# refute_call REGEX: no call matches the extended REGEX.
refute_call() {
  local m
  m="$(pvesim calls --args | grep -E -- "$1" || true)"
  if [[ -n "$m" ]]; then
    printf 'unexpected calls matching /%s/:\n%s\n' "$1" "$m" >&2
    return 1
  fi
}

# sim_image URL: downloads a fixture image through the fake curl into $BATS_TEST_TMPDIR and
# prints its path.
sim_image() {
  local url="${1:-https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img}"
  local f="$BATS_TEST_TMPDIR/${url##*/}"
  curl -fsSL -o "$f" "$url" && printf '%s\n' "$f"
}

# sim_vm_json ID: the VM's simulator state as JSON (pvesim vm ID).
sim_vm_json() { pvesim vm "$1"; }

# sim_wait_ip ID [SECONDS]: waits (real time) until the VM has an IP; prints it.
sim_wait_ip() {
  local id="$1" limit="${2:-10}" i=0
  until pvesim ip "$id" 2>/dev/null; do
    ((i++ < limit * 10)) || return 1
    sleep 0.1
  done
}
