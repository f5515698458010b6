#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# Concurrency: 8 provisions at once on one host, 4+4 at once on two nodes of a cluster (each run
# as if on its node: PVESIM_NODE, its own cache/lock/state dirs), and held locks that give a
# bounded wait and a clear error instead of waiting forever.

setup() {
  load 'rel-bg'
  rel_setup
}

# spawn_all N PREFIX: start N runs named PREFIX-1..N (env as given by the caller); PIDS+=.
spawn_all() {
  local i
  for ((i = 1; i <= $1; i++)); do
    rel_spawn "$2-$i" --name "$2-$i"
    PIDS+=("$2-$i:$REL_PID")
  done
}

# reap_all: every run of PIDS must succeed; IDS gets their VM ids, NODES their nodes.
reap_all() {
  local p
  IDS=() NODES=()
  for p in "${PIDS[@]}"; do
    rel_case "concurrent run ${p%%:*}"
    rel_reap "${p%%:*}" "${p#*:}"
    chk is_eq "$status" 0
    chk assert_protocol
    IDS+=("$(proto VM_ID || echo none)")
    NODES+=("$(proto VM_NODE || echo none)")
    rel_case_end
  done
}

distinct() { [[ "$(printf '%s\n' "$@" | sort -u | wc -l)" == "$#" ]]; }

@test "8 provisions at once on one host: 8 distinct ids, all succeed, the image downloaded once" {
  local PIDS=() IDS NODES
  rel_fresh
  spawn_all 8 par
  reap_all
  rel_case "8 runs: distinct ids, one download"
  chk distinct "${IDS[@]}"
  chk is_eq "$(pvesim calls --tool curl --match 'noble-server-cloudimg-amd64\.img$' --count)" 1
  chk is_eq "$(qm list | awk 'NR > 1 && $3 == "running"' | wc -l)" 8
  chk cache_ok
  rel_case_end
  rel_done concurrency "8 provisions at once on one host (distinct ids, one download)"
}

@test "3+3 provisions at once on two cluster nodes: cluster-wide distinct ids, each VM on its node" {
  local PIDS=() IDS NODES n base
  pvesim init --nodes 3 >/dev/null
  pvesim timing --create 0.3 >/dev/null # widen the window between nextid and create
  for n in pve pve2; do
    base="$BATS_TEST_TMPDIR/host-$n"
    mkdir -p "$base/cache" "$base/lock" "$base/state"
    PVESIM_NODE="$n" LINUS_CACHE_DIR="$base/cache" LINUS_LOCK_DIR="$base/lock" \
      LINUS_STATE_DIR="$base/state" spawn_all 3 "$n"
  done
  reap_all
  rel_case "two nodes: distinct ids, each run's VM on its own node"
  chk distinct "${IDS[@]}"
  chk is_eq "${NODES[*]}" "pve pve pve pve2 pve2 pve2"
  chk is_eq "$(pvesh get /cluster/resources --type vm --output-format json | grep -o '"vmid"' | wc -l)" 6
  rel_case_end

  # the race made certain: pve2's first create finds its id taken on pve, and takes the next one
  rel_case "pve2: the id went to a VM on pve meanwhile (qm create 'already exists'): retried"
  pvesim fault qm '^create ' --nth 1 --error "unable to create VM 106 - VM 106 already exists on node 'pve'" >/dev/null
  PVESIM_NODE=pve2 LINUS_CACHE_DIR="$BATS_TEST_TMPDIR/host-pve2/cache" \
    LINUS_LOCK_DIR="$BATS_TEST_TMPDIR/host-pve2/lock" \
    LINUS_STATE_DIR="$BATS_TEST_TMPDIR/host-pve2/state" run_bundle --name retry
  chk is_eq "$status" 0
  chk has_text "$stderr" "was taken meanwhile"
  chk is_eq "$(proto VM_NODE)" pve2
  rel_case_end
  rel_done concurrency "3+3 provisions at once on two cluster nodes (nextid cluster-wide, create retry)"
}

# held_lock NAME: hold $LINUS_LOCK_DIR/NAME.lock from a background process; HOLDER is its pid.
held_lock() {
  mkdir -p "$LINUS_LOCK_DIR"
  flock "$LINUS_LOCK_DIR/$1.lock" sleep 30 &
  HOLDER=$!
  sleep 0.2
}

@test "a held lock gives a bounded wait and a clear error, never a hang" {
  local HOLDER t0
  rel_fresh
  rel_case "VM id lock held by another process"
  held_lock vmid
  t0="$SECONDS"
  LINUS_VMID_LOCK_WAIT=1 run_bundle --name lk1
  kill "$HOLDER"
  chk failure_lines_ok 5 none
  chk has_text "$(proto ERROR)" "VM id lock"
  chk test "$((SECONDS - t0))" -lt 60
  chk no_vm_left
  rel_case_end

  rel_fresh
  rel_case "image download lock held by another process"
  held_lock image-noble-server-cloudimg-amd64.img
  t0="$SECONDS"
  LINUS_IMAGE_LOCK_WAIT=1 run_bundle --name lk2
  kill "$HOLDER"
  chk failure_lines_ok 4 none
  chk has_text "$(proto ERROR)" "lock"
  chk test "$((SECONDS - t0))" -lt 60
  chk no_vm_left
  rel_case_end
  rel_done concurrency "a held lock: bounded wait, clear error"
}
