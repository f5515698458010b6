#!/usr/bin/env bats
# shellcheck disable=SC2016 # in_step, validated and chk take bash code as a string: its $ expand in the step's shell
# steps/validate.sh and steps/checks-env.sh: each host check, good path and failure branches.

setup() {
  load 'steps'
  steps_init
}

chk() { run in_step "step_chk_options; step_chk_version; $1"; }

@test "step_validate passes on a stock host, with read-only calls only" {
  run in_step 'step_validate; echo "node=$CFG_NODE snip=$SNIPPET_STORE ver=$PVE_MAJOR.$PVE_MINOR"'
  [ "$status" -eq 0 ]
  assert_line "node=pve snip=local ver=8.3"
  assert_no_mutating_calls
  refute_call '^pvesh get /nodes/pve/status'
}

@test "not root: exit 4" {
  LINUS_TEST_EUID=1000 run in_step step_chk_root
  [ "$status" -eq 4 ]
  assert_line "LINUS_ERROR:not running as root"
}

@test "missing Proxmox tools: exit 2 with remediation" {
  run in_step 'PATH=/usr/bin:/bin; step_chk_tools'
  [ "$status" -eq 2 ]
  assert_line --partial "LINUS_ERROR:missing Proxmox tools: qm pvesh pvesm pveversion qemu-img"
}

@test "PVE older than 7.4: exit 4" {
  pvesim version 7.3
  chk true
  [ "$status" -eq 4 ]
  assert_line --partial "7.4 or later is needed"
}

@test "node offline: exit 4; unknown node: exit 4 listing the nodes" {
  steps_init --nodes 3
  chk 'CFG_NODE=pve3; step_chk_node'
  [ "$status" -eq 4 ]
  assert_line --partial "node 'pve3' is offline"
  chk 'CFG_NODE=zzz; step_chk_node'
  [ "$status" -eq 4 ]
  assert_line --partial "pick one of: pve,pve2,pve3"
}

@test "more cores than the node has: exit 1" {
  steps_init --cpus 4
  IN_STEP_ARGS="--cores 6" chk step_chk_node
  [ "$status" -eq 1 ]
  assert_line --partial "more than the 4 CPUs"
}

@test "storage: absent, disabled, without images content, too small: exit 4" {
  IN_STEP_ARGS="--storage fast" chk 'step_chk_node; step_chk_storage'
  [ "$status" -eq 4 ]
  assert_line "LINUS_ERROR:storage 'fast' does not exist or is disabled on node 'pve'"
  assert_line --partial "LINUS_REMEDIATION:pick one of: local-lvm"
  pvesim storage add fast --type zfspool --content images --disabled
  IN_STEP_ARGS="--storage fast" chk 'step_chk_node; step_chk_storage'
  [ "$status" -eq 4 ]
  IN_STEP_ARGS="--storage local" chk 'step_chk_node; step_chk_storage'
  [ "$status" -eq 4 ]
  assert_line --partial "no 'images' content"
  pvesim storage add small --type lvm --content images --total-gib 30 --free-gib 10
  IN_STEP_ARGS="--storage small --disk 50" chk 'step_chk_node; step_chk_storage'
  [ "$status" -eq 4 ]
  assert_line --partial "has 10 GiB free, the disk needs 50 GiB"
}

@test "storage: thin pools (lvmthin) overcommit: a warning, not a failure; the image data must still fit" {
  pvesim storage set local-lvm --free-gib 10
  IN_STEP_ARGS="--disk 50" chk 'step_chk_node; step_chk_storage; echo "type=$STORAGE_TYPE"'
  [ "$status" -eq 0 ]
  assert_line "type=lvmthin"
  assert_output --partial "thin-provisioned"
  # zfspool may be thick (refreservation) and /cluster/resources does not say: it fails
  pvesim storage add tank --type zfspool --content images --total-gib 30 --free-gib 10
  IN_STEP_ARGS="--storage tank --disk 50" chk 'step_chk_node; step_chk_storage'
  [ "$status" -eq 4 ]
  # the data of the image itself must fit a thin pool
  head -c 2097152 /dev/zero >"$BATS_TEST_TMPDIR/img"
  chk 'step_chk_node; step_chk_storage; PVE_STORAGE_AVAIL=1048576; step_thin_room "$BATS_TEST_TMPDIR/img"'
  [ "$status" -eq 4 ]
  assert_line --partial "less than the image's 2 MiB of data"
}

@test "storage: snippets storages found; none gives an empty SNIPPET_STORE" {
  chk 'step_chk_node; step_chk_storage; echo "[$SNIPPET_STORAGES] [$SNIPPET_STORE]"'
  assert_line "[local] [local]"
  pvesim storage set local --content iso,vztmpl,backup
  chk 'step_chk_node; step_chk_storage; echo "[$SNIPPET_STORAGES] [$SNIPPET_STORE]"'
  [ "$status" -eq 0 ]
  assert_line "[] []"
}

@test "bridge: absent (exit 4, listing bridges); --vlan needs a VLAN-aware bridge" {
  IN_STEP_ARGS="--bridge vmbr7" chk 'step_chk_node; step_chk_bridge'
  [ "$status" -eq 4 ]
  assert_line --partial "pick one of: vmbr0"
  IN_STEP_ARGS="--vlan 10" chk 'step_chk_node; step_chk_bridge'
  [ "$status" -eq 4 ]
  pvesim bridge add vmbr1 --vlan-aware
  IN_STEP_ARGS="--vlan 10 --bridge vmbr1" chk 'step_chk_node; step_chk_bridge'
  [ "$status" -eq 0 ]
}

@test "conflict: a VM of the name (cluster-wide) or a used --vmid: exit 7" {
  steps_init --nodes 3 --offline-node ''
  pvesim guest add 230 --name web1 --node pve2
  IN_STEP_ARGS="--name web1" chk step_chk_conflict
  [ "$status" -eq 7 ]
  assert_line --partial "VM 230 on node pve2"
  pvesim guest add 231 --type lxc --node pve3
  IN_STEP_ARGS="--vmid 231" chk step_chk_conflict
  [ "$status" -eq 7 ]
  assert_line --partial "VM id 231 is already in use"
  IN_STEP_ARGS="--name web2" chk step_chk_conflict
  [ "$status" -eq 0 ]
}

@test "host key: missing gives exit 4 unless --no-host-key" {
  rm -f "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
  chk step_chk_hostkey
  [ "$status" -eq 4 ]
  IN_STEP_ARGS="--no-host-key --password" chk step_chk_hostkey
  [ "$status" -eq 0 ]
}

@test "--memory above the node's total memory: exit 1 naming the total; above its free memory: a warning" {
  steps_init --mem-gib 16
  pvesim node mem pve --used-gib 10
  IN_STEP_ARGS="--memory 17G" chk step_chk_node
  [ "$status" -eq 1 ]
  assert_line "LINUS_ERROR:--memory 17408 MiB is more than the 16384 MiB of memory of node 'pve'"
  assert_line "LINUS_REMEDIATION:use --memory 16384 or less (e.g. --memory 8G), or another --node (or --node auto)"
  assert_no_mutating_calls
  IN_STEP_ARGS="--memory 8GB" chk 'step_chk_node; res_reset; res_set RESULT X; res_print'
  [ "$status" -eq 0 ]
  assert_line --partial "warning: --memory 8192 MiB is more than the 6144 MiB free on node 'pve' now"
  assert_line "LINUS_WARNING:--memory 8192 MiB is more than the 6144 MiB free on node 'pve'"
  IN_STEP_ARGS="--memory 6G" chk 'step_chk_node; res_reset; res_set RESULT X; res_print'
  [ "$status" -eq 0 ]
  refute_line --partial "LINUS_WARNING"
  refute_line --partial "warning:"
}

@test "--memory with --node auto is checked against the node it picks" {
  steps_init --nodes 3 --mem-gib 8
  pvesim node mem pve2 --mem-gib 64 --used-gib 1
  IN_STEP_ARGS="--node auto --memory 100G" chk step_chk_node
  [ "$status" -eq 1 ]
  assert_line "LINUS_ERROR:--memory 102400 MiB is more than the 65536 MiB of memory of node 'pve2'"
  IN_STEP_ARGS="--node auto --memory 32G" chk 'step_chk_node; echo "node=$CFG_NODE"'
  [ "$status" -eq 0 ]
  assert_line "node=pve2"
  refute_line --partial "warning: --memory"
}
