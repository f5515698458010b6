# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Step validate: the host (root, tools, PVE version, node, storage, bridge) and the name/VMID
# conflicts. Read-only: nothing on the host changes before all of this passes.
# Reads: CFG_* (all options), RESOURCES_JSON.
# Sets: HOST[pve_version key key_pub storage_type storage_avail snippet_storages snippet_store
#   snippet_shared vlan_mode], IMG[key cpu_level ...] (chk_cpu: its own copy), CFG_NODE (--node auto),
#   PVE_REMOTE_NODE.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/options.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/checks-env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/checks-cpu.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/checks-host.sh"

# The checks in order; preflight runs each of them and reports them all.
STEP_CHECKS=(options root tools version node cpu storage bridge conflict ipfree hostkey)

# step_validate: every check; the first failing one ends the run with its code.
step_validate() {
  local c
  log_step validate "checking the settings and the Proxmox host"
  for c in "${STEP_CHECKS[@]}"; do
    "chk_$c"
  done
  opt_freeze
  log_ok "validation passed: node ${CFG_NODE}, storage ${CFG_STORAGE}, bridge ${CFG_BRIDGE}, PVE ${HOST[pve_version]}"
}
