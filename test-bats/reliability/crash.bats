#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# A `qm create` (or, for another node, the create task behind pvesh) that dies part-way -- SIGKILL,
# the OOM killer -- leaves the config with `lock: create` and the volumes allocated so far. The
# run takes that VM as its own: unlocked, destroyed with purge, leftover volumes freed, exit 5,
# LINUS_CLEANUP:destroyed naming what went; nothing left. A create that failed because another
# VM has the id never touches that VM.

setup() {
  load 'reliability'
  rel_setup --nodes 3 --offline-node ''
}

# crash_case NAME ID FAULT-TOOL FAULT-REGEX ARGS...: a create of VM ID killed part-way; the checks.
crash_case() {
  local name="$1" id="$2" tool="$3" re="$4"
  shift 4
  rel_case "$name"
  rel_fresh
  # CRASH_STORE=TYPE: the VM goes on a storage "fast" of that type
  [[ -z "${CRASH_STORE:-}" ]] || pvesim storage add fast --type "$CRASH_STORE" --content images >/dev/null
  pvesim fault "$tool" "$re" --kill >/dev/null
  run --separate-stderr bash "$BUNDLE" --name crash1 ${CRASH_STORE:+--storage fast} "$@"
  chk failure_lines_ok 5 destroyed
  chk is_eq "$(proto ERROR_STEP)" create
  chk is_eq "$(proto VM_ID)" ""
  chk has_text "$(proto ERROR)" "qm create of VM ${id} died part-way"
  chk has_text "$(proto CLEANUP_REMOVED)" "VM ${id} (lock: create), volume "
  chk has_text "$(proto CLEANUP_REMOVED)" "vm-${id}-disk-0"
  chk no_vm_left
  rel_case_end
}

@test "reliability: a create killed part-way is removed with its volumes, nothing left" {
  crash_case "qm create killed (local-lvm)" 100 qm '^create '
  CRASH_STORE=dir crash_case "qm create killed (dir storage)" 100 qm '^create '
  CRASH_STORE=zfspool crash_case "qm create killed (zfspool storage)" 100 qm '^create '
  crash_case "qm create killed, --vmid 150" 150 qm '^create ' --vmid 150
  crash_case "create task on pve2 killed (pvesh)" 100 pvesh '^create /nodes/pve2/qemu( |$)' --node pve2
  rel_case "qm create killed, --keep-on-failure: kept, said so"
  rel_fresh
  pvesim fault qm '^create ' --kill >/dev/null
  run --separate-stderr bash "$BUNDLE" --name crash1 --keep-on-failure
  chk failure_lines_ok 5 kept
  chk is_eq "$(qm config 100)" "lock: create"
  rel_case_end
  rel_done crash "a qm create killed part-way: unlocked, destroyed, volumes freed, nothing left"
}
