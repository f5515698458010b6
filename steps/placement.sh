# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_ globals set here are read by the other steps
# Placement (`--node auto`) and what a VM on another node needs: of the online nodes that have the
# storage (enabled, images content) and the bridge, the one with the most free memory, from
# /cluster/resources (already fetched) and /nodes/NODE/network of the candidates, best first.
# Uses step_bridge_info of steps/checks-env.sh, which sources this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"

# step_pick_node: CFG_NODE := the chosen node (a node really named "auto" is taken as named).
step_pick_node() {
  local cands node out info why=()
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
  cands="$(pve_json 'my ($st) = @ARGV; my @n = grep { ($_->{type} // "") eq "node" } @$d;
    if (grep { $_->{node} eq "auto" } @n) { print "auto\n"; exit 0 }
    my %has = map { ($_->{node} => 1) } grep { ($_->{type} // "") eq "storage" && $_->{storage} eq $st
      && ($_->{status} // "") eq "available" && grep { $_ eq "images" } split /,/, ($_->{content} // "") } @$d;
    for (sort { ($b->{maxmem} - $b->{mem}) <=> ($a->{maxmem} - $a->{mem}) || $a->{node} cmp $b->{node} }
         grep { ($_->{status} // "") eq "online" && defined $_->{maxmem} } @n) {
      print join(" ", $_->{node}, $has{$_->{node}} ? 1 : 0, int(($_->{maxmem} - ($_->{mem} // 0)) / 1048576)), "\n" }' \
    "$CFG_STORAGE" <<<"$RESOURCES_JSON")"
  if [[ "$cands" == auto ]]; then CFG_NODE=auto; return 0; fi
  while read -r node info free; do
    [[ -n "$node" ]] || continue
    if [[ "$info" != 1 ]]; then why+=("${node}: no storage ${CFG_STORAGE}"); continue; fi
    out="$(step_bridge_info "$node" "$CFG_BRIDGE")" || { why+=("${node}: network unreadable"); continue; }
    out="${out%%$'\n'*}"
    if [[ "$out" == absent ]]; then why+=("${node}: no bridge ${CFG_BRIDGE}"); continue; fi
    if [[ -n "$CFG_VLAN" && "$out" == "bridge 0" ]]; then why+=("${node}: ${CFG_BRIDGE} not VLAN aware"); continue; fi
    CFG_NODE="$node"
    log_info "--node auto: node ${node} (${free} MiB free memory, has ${CFG_STORAGE} and ${CFG_BRIDGE})${why[*]:+; skipped: ${why[*]}}"
    return 0
  done <<<"$cands"
  linus_fail 4 "--node auto: no online node has storage '${CFG_STORAGE}' and bridge '${CFG_BRIDGE}'${why[*]:+ (${why[*]})}" \
    "pick --storage/--bridge that a node has (pvesm status, pvesh get /nodes/NODE/network), or bring a node online"
}
