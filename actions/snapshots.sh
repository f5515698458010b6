# shellcheck shell=bash
# Action snapshots VMID | --name NAME: the snapshots of a VM this tool made, oldest first:
# LINUS_SNAPSHOT_COUNT, one LINUS_SNAPSHOT line each (name=.. time=EPOCH parent=.. vmstate=0|1),
# LINUS_JSON with them as "snapshots".
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/lifecycle.sh"

act_snapshots() {
  local -A vm=() # the VM (life_vm)
  life_vm vm
  local lines out json
  life_snapshots_read vm json
  lines="$(pq_snapshot_lines <<<"$PVE_OUT")" # LINUS_SNAPSHOT lines, then the JSON array
  life_result vm
  res_set_num SNAPSHOT_COUNT "$(grep -c '^LINUS_SNAPSHOT:' <<<"$lines" || true)"
  log_ok "VM ${vm[id]} has $(res_get SNAPSHOT_COUNT) snapshot(s)"
  out="$(res_render)"
  json="${out##*$'\n'LINUS_JSON:}"
  out="${out%$'\n'LINUS_JSON:*}"
  [[ "$lines" != *$'\n'* ]] || out+=$'\n'"${lines%$'\n'*}"
  printf '%s\nLINUS_JSON:%s,"snapshots":%s}\n' "$out" "${json%\}}" "${lines##*$'\n'}" >&3
}
