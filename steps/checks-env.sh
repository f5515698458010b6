# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Checks of the Proxmox environment: node online, storage, bridge, name/VMID conflicts.
# One pvesh call each, independent of the number of VMs.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"

# step_chk_node: the node is in the cluster and online (pvesh get /nodes; /nodes/N/status has no
# status field). Also checks --cores against the node's CPU count.
step_chk_node() {
  local line state maxcpu all
  [[ -n "$CFG_NODE" ]] || CFG_NODE="$(pve_local_node)"
  VM_NODE="$CFG_NODE"
  if ! pve_get /nodes; then
    linus_fail 4 "cannot list the cluster nodes: ${PVE_ERR}" "check that pve-cluster and pveproxy run (systemctl status pve-cluster)"
  fi
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
  line="$(pve_json 'my ($n) = grep { $_->{node} eq $ARGV[0] } @$d;
    print join(" ", $n ? ($n->{status} // "unknown", $n->{maxcpu} // 0) : ("absent", 0)), "\n";
    print join(",", sort map { $_->{node} } @$d), "\n";' "$CFG_NODE" <<<"$PVE_OUT")"
  { read -r state; read -r all; } <<<"$line" || true
  maxcpu="${state#* }" state="${state%% *}"
  case "$state" in
    online) ;;
    absent) linus_fail 4 "node '${CFG_NODE}' is not a node of this cluster" "pick one of: ${all} (--node)" ;;
    *) linus_fail 4 "node '${CFG_NODE}' is ${state}, not online" "bring the node online (pvecm status) or pick another one with --node" ;;
  esac
  if [[ "$maxcpu" =~ ^[0-9]+$ ]] && ((maxcpu > 0 && CFG_CORES > maxcpu)); then
    linus_fail 1 "--cores ${CFG_CORES} is more than the ${maxcpu} CPUs of node '${CFG_NODE}'" "use --cores 1..${maxcpu}"
  fi
}

# step_chk_storage: the storage is enabled and active on the node, holds images and has room for
# the disk. Also finds the storages with snippets content (SNIPPET_STORAGES, SNIPPET_STORE).
step_chk_storage() {
  local out info images need
  if ! pve_get "/nodes/${CFG_NODE}/storage"; then
    linus_fail 4 "cannot list the storages of node '${CFG_NODE}': ${PVE_ERR}" "check the node name and pvestatd (pvesm status)"
  fi
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
  out="$(pve_json 'my $ok = sub { my $s = shift; ($s->{enabled} // 1) && ($s->{active} // 1) };
    my $has = sub { my ($s, $c) = @_; grep { $_ eq $c } split /,/, ($s->{content} // "") };
    my ($s) = grep { $_->{storage} eq $ARGV[0] } @$d;
    print $s ? join(" ", ($s->{enabled} // 1) ? 1 : 0, ($s->{active} // 1) ? 1 : 0,
      $has->($s, "images") ? 1 : 0, $s->{avail} // -1, $s->{type} // "?") : "absent", "\n";
    print join(",", sort map { $_->{storage} } grep { $ok->($_) && $has->($_, "images") } @$d), "\n";
    print join(",", sort map { $_->{storage} } grep { $ok->($_) && $has->($_, "snippets") } @$d), "\n";' \
    "$CFG_STORAGE" <<<"$PVE_OUT")"
  { read -r info; read -r images; read -r SNIPPET_STORAGES; } <<<"$out" || true
  local fix="pick one of: ${images:-none} (pvesm status --content images)"
  [[ "$info" != absent ]] || linus_fail 4 "storage '${CFG_STORAGE}' does not exist on node '${CFG_NODE}'" "$fix"
  local enabled active has avail
  read -r enabled active has avail STORAGE_TYPE <<<"$info"
  [[ "$enabled" == 1 ]] || linus_fail 4 "storage '${CFG_STORAGE}' is disabled on node '${CFG_NODE}'" "enable it (pvesm set ${CFG_STORAGE} --disable 0) or $fix"
  [[ "$active" == 1 ]] || linus_fail 4 "storage '${CFG_STORAGE}' is not active on node '${CFG_NODE}'" "check it with pvesm status, or $fix"
  [[ "$has" == 1 ]] || linus_fail 4 "storage '${CFG_STORAGE}' does not hold VM disks (no 'images' content)" "add images content (pvesm set ${CFG_STORAGE} --content ...) or $fix"
  need=$((CFG_DISK * 1024 * 1024 * 1024))
  if [[ "$avail" =~ ^[0-9]+$ ]] && ((avail < need)); then
    linus_fail 4 "storage '${CFG_STORAGE}' has $((avail / 1024 / 1024 / 1024)) GiB free, the disk needs ${CFG_DISK} GiB" \
      "free space on it, use a smaller --disk, or $fix"
  fi
  step_pick_snippet_store
}

# step_pick_snippet_store: where the vendor snippet goes: the VM storage if it has snippets
# content, else 'local', else the first one; empty when no storage has snippets content.
step_pick_snippet_store() {
  local s
  SNIPPET_STORE=""
  for s in "$CFG_STORAGE" local ${SNIPPET_STORAGES//,/ }; do
    if [[ ",${SNIPPET_STORAGES}," == *",$s,"* ]]; then
      SNIPPET_STORE="$s"
      return 0
    fi
  done
}

# step_chk_bridge: the bridge exists on the node; VLAN-aware (or OVS) when --vlan is given.
step_chk_bridge() {
  local out info all
  if ! pve_get "/nodes/${CFG_NODE}/network"; then
    linus_fail 4 "cannot list the network of node '${CFG_NODE}': ${PVE_ERR}" "check the node (pvesh get /nodes/${CFG_NODE}/network)"
  fi
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
  out="$(pve_json 'my @b = grep { ($_->{type} // "") =~ /^(bridge|OVSBridge)$/ } @$d;
    my ($b) = grep { $_->{iface} eq $ARGV[0] } @b;
    print $b ? join(" ", $b->{type}, $b->{bridge_vlan_aware} ? 1 : 0) : "absent", "\n";
    print join(",", sort map { $_->{iface} } @b), "\n";' "$CFG_BRIDGE" <<<"$PVE_OUT")"
  { read -r info; read -r all; } <<<"$out" || true
  if [[ "$info" == absent ]]; then
    linus_fail 4 "bridge '${CFG_BRIDGE}' does not exist on node '${CFG_NODE}'" "pick one of: ${all:-none} (--bridge)"
  fi
  if [[ -n "$CFG_VLAN" && "$info" == "bridge 0" ]]; then
    linus_fail 4 "bridge '${CFG_BRIDGE}' is not VLAN aware, so --vlan ${CFG_VLAN} cannot work" \
      "make it VLAN aware (node > System > Network > ${CFG_BRIDGE} > VLAN aware, then ifreload -a) or drop --vlan"
  fi
}

# step_chk_conflict: no VM of this name (cluster-wide) and a free --vmid. Fresh VMs have no
# name in /cluster/resources yet: for those the config in /etc/pve is read (no extra calls).
step_chk_conflict() {
  local out
  RESOURCES_JSON=""
  # a fresh id from nextid and the default name need no check: no extra call then
  [[ -n "$CFG_NAME$CFG_VMID" ]] || return 0
  if ! pve_get /cluster/resources --type vm; then
    linus_fail 4 "cannot list the cluster's guests: ${PVE_ERR}" "check pve-cluster (pvesh get /cluster/resources)"
  fi
  RESOURCES_JSON="$PVE_OUT"
  if [[ -n "$CFG_VMID" ]]; then
    # shellcheck disable=SC2016 # a perl program: its $ are perl's
    out="$(pve_json 'for (@$d) { if (($_->{vmid} // "") eq $ARGV[0]) { print "$_->{type} on $_->{node}\n"; last } }' "$CFG_VMID" <<<"$PVE_OUT")"
    if [[ -n "$out" ]]; then
      linus_fail 7 "VM id ${CFG_VMID} is already in use (${out})" "pick another --vmid, or leave it out to take the next free id"
    fi
  fi
  [[ -n "$CFG_NAME" ]] || return 0
  step_name_conflict "$CFG_NAME"
}

# step_name_conflict NAME: exit 7 when a VM named NAME exists (uses RESOURCES_JSON).
step_name_conflict() {
  local out id node f
  [[ -n "${RESOURCES_JSON:-}" ]] || return 0
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
  out="$(pve_json 'for (grep { $_->{type} eq "qemu" } @$d) {
      if (!defined $_->{name}) { print "?$_->{vmid} $_->{node}\n" }
      elsif ($_->{name} eq $ARGV[0]) { print "=$_->{vmid} $_->{node}\n" } }' "$1" <<<"$RESOURCES_JSON")"
  while read -r id node; do
    [[ -n "$id" ]] || continue
    if [[ "$id" == \?* ]]; then
      f="${LINUS_PVE_ETC:-/etc/pve}/nodes/${node}/qemu-server/${id#\?}.conf"
      if [[ ! -r "$f" ]] || ! grep -qx "name: $1" "$f"; then continue; fi
    fi
    linus_fail 7 "a VM named '$1' already exists: VM ${id#[=?]} on node ${node}" \
      "pick another --name, or remove it first (destroy ${id#[=?]})"
  done <<<"$out"
}
