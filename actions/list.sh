# shellcheck shell=bash
# Action list: the VMs with tag linus, cluster-wide, from one /cluster/resources call.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/vm.sh"

# act_list: LINUS_RESULT, LINUS_COUNT, one LINUS_VM line a VM (id=.. name=.. node=.. state=..
# template=0|1 tags=..), then LINUS_JSON with the VMs as an array "vms" (res_print holds only
# strings and numbers, so this block is rendered here, the same way).
act_list() {
  local out
  LINUS_STEP=list
  act_resources
  out="$(pq_linus_vms <<<"$RESOURCES_JSON")"
  log_ok "$(grep -c '^LINUS_VM:' <<<"$out" || true) VM(s) with tag linus in this cluster"
  printf '%s\n' "$out" >&3
}
