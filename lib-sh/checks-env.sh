# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Checks of the Proxmox environment: node online, storage, bridge, name/VMID conflicts, from one
# /cluster/resources call (plus the bridge list), independent of the number of VMs.
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/placement.sh"
source "$(dirname "${BASH_SOURCE[0]}")/validation-ipuse.sh"

# chk_node: the node is in the cluster and online (from /cluster/resources: nodes, storages
# and guests in ONE call, whatever the number of VMs). `--node auto` picks one (lib-sh/placement.sh).
# Also checks --cores against the node's CPU count and --memory against its memory (chk_mem).
chk_node() {
  local line state maxcpu maxmem mem all
  pve_local_node >/dev/null # in this shell: the $(pve_local_node) of later checks reuse its answer
  [[ -n "$CFG_NODE" ]] || opt_set CFG_NODE "$PVE_LOCAL_NODE"
  if ! pve_resources; then
    linus_fail 4 "cannot read the cluster resources: ${PVE_ERR}" \
      "check that pve-cluster and pveproxy run (systemctl status pve-cluster)"
  fi
  [[ "$CFG_NODE" != auto ]] || place_pick_node
  line="$(pq_node_line "$CFG_NODE" <<<"$RESOURCES_JSON")"
  {
    read -r state maxcpu maxmem mem
    read -r all
  } <<<"$line" || true
  case "$state" in
    online) ;;
    absent)
      linus_fail 4 "node '${CFG_NODE}' is not a node of this cluster" "pick one of: ${all} (--node), or --node auto"
      ;;
    *)
      linus_fail 4 "node '${CFG_NODE}' is ${state}, not online" \
        "bring the node online (pvecm status) or pick another one with --node (or --node auto)"
      ;;
  esac
  if [[ "$maxcpu" =~ ^[0-9]+$ ]] && ((maxcpu > 0 && CFG_CORES > maxcpu)); then
    linus_fail 1 "--cores ${CFG_CORES} is more than the ${maxcpu} CPUs of node '${CFG_NODE}'" "use --cores 1..${maxcpu}"
  fi
  chk_mem "${maxmem:-0}" "${mem:-0}"
  VM_NODE="$CFG_NODE" PVE_REMOTE_NODE=""
  [[ "$CFG_NODE" == "$(pve_local_node)" ]] || PVE_REMOTE_NODE="$CFG_NODE"
}

# chk_mem TOTAL USED: --memory (MiB) against the node's memory in bytes, as /cluster/resources
# reports it (maxmem, mem; pvestatd counts used = total - available, so page cache is free):
# more than the total is refused (exit 1, like --cores), more than the free memory is a warning
# (the VM may start and push the host into swap or the OOM killer). 0 (no stats): no check.
chk_mem() {
  local total=$(($1 / 1048576)) free=$((($1 - $2) / 1048576)) msg fix
  ((total > 0)) || return 0
  ((free >= 0)) || free=0
  if ((CFG_MEMORY > total)); then
    linus_fail 1 "--memory ${CFG_MEMORY} MiB is more than the ${total} MiB of memory of node '${CFG_NODE}'" \
      "use --memory ${total} or less (e.g. --memory $((total / 2048))G), or another --node (or --node auto)"
  fi
  if ((CFG_MEMORY > free)); then
    msg="--memory ${CFG_MEMORY} MiB is more than the ${free} MiB free on node '${CFG_NODE}'"
    fix="free memory there, use a smaller --memory or another --node"
    log_warn "${msg} now: the VM may not start or the host may swap; ${fix}"
    res_warn "$msg"
  fi
}

# chk_storage_info NODE STORAGE: one line "images avail type shared" for STORAGE on NODE, or
# "absent" (the resources list only storages that are enabled on that node); then the storages of
# NODE with images content; then those with snippets content (from RESOURCES_JSON).
chk_storage_info() {
  pq_storage_info "$1" "$2" <<<"$RESOURCES_JSON"
}

# chk_storage: the storage is enabled and available on the node, holds images and has room
# for the disk (thin storages: a warning, see chk_thin). Also finds the storages with snippets
# content (SNIPPET_STORAGES, SNIPPET_STORE).
chk_storage() {
  local out info images has avail
  pve_resources || linus_fail 4 "cannot read the cluster resources: ${PVE_ERR}" \
    "check pve-cluster (pvesh get /cluster/resources)"
  out="$(chk_storage_info "$CFG_NODE" "$CFG_STORAGE")"
  {
    read -r info
    read -r images
    read -r "HOST[snippet_storages]"
  } <<<"$out" || true
  local fix="pick one of: ${images:-none} (pvesm status --content images)"
  [[ "$info" != absent ]] ||
    linus_fail 4 "storage '${CFG_STORAGE}' does not exist or is disabled on node '${CFG_NODE}'" \
      "${fix}; or enable it if it is disabled (pvesm set ${CFG_STORAGE} --disable 0)"
  read -r has avail "HOST[storage_type]" STORAGE_SHARED <<<"$info"
  [[ "$has" != inactive ]] || linus_fail 4 "storage '${CFG_STORAGE}' is not active on node '${CFG_NODE}'" \
    "check it with pvesm status, or $fix"
  [[ "$has" == 1 ]] || linus_fail 4 "storage '${CFG_STORAGE}' does not hold VM disks (no 'images' content)" \
    "add images content (pvesm set ${CFG_STORAGE} --content ...) or $fix"
  HOST[storage_avail]="$avail"
  if [[ "$avail" =~ ^[0-9]+$ ]] && ((avail < CFG_DISK * 1073741824)); then
    local msg="storage '${CFG_STORAGE}' has $((avail / 1073741824)) GiB free, the disk needs ${CFG_DISK} GiB"
    chk_thin || linus_fail 4 "$msg" "free space on it, use a smaller --disk, or $fix"
    local thin="thin-provisioned, so only the data written counts (the image now, more as the VM fills its disk)"
    log_warn "${msg}; ${HOST[storage_type]} is ${thin}: watch the pool's usage"
  fi
  chk_pick_snippet_store ""
}

# chk_thin: 0 when STORAGE_TYPE allocates thinly, so a disk larger than the free space can be
# created (lvmthin, rbd; sparse files on dir/nfs/cifs/btrfs). zfspool is thick unless the storage
# has `sparse 1`, which /cluster/resources does not show: treated as thick. lvm is thick.
chk_thin() {
  case "${HOST[storage_type]:-}" in lvmthin | rbd | dir | nfs | cifs | btrfs) return 0 ;; *) return 1 ;; esac
}

# chk_thin_room FILE: on a thin storage, the imported data (about FILE's size) must fit the free space.
chk_thin_room() {
  local size msg
  chk_thin || return 0
  [[ "${HOST[storage_avail]:-}" =~ ^[0-9]+$ && -f "$1" ]] || return 0
  size="$(stat -c %s -- "$1" 2>/dev/null)" || return 0
  if ((size > HOST[storage_avail])); then
    msg="storage '${CFG_STORAGE}' has $((HOST[storage_avail] / 1048576)) MiB free"
    linus_fail 4 "${msg}, less than the image's $((size / 1048576)) MiB of data" \
      "free space on '${CFG_STORAGE}' (pvesm status) or pick another --storage"
  fi
}

# chk_pick_snippet_store [STORE]: where the vendor snippet goes: STORE, else the VM storage, if
# it has snippets content, else 'local', else the first one; empty when no storage has snippets
# content.
chk_pick_snippet_store() {
  local s
  HOST[snippet_store]="" HOST[snippet_shared]=0
  for s in ${1:+"$1"} "$CFG_STORAGE" local ${HOST[snippet_storages]//,/ }; do
    if [[ ",${HOST[snippet_storages]}," == *",$s,"* ]]; then
      HOST[snippet_store]="$s"
      HOST[snippet_shared]="$(pq_storage_shared "$s" <<<"$RESOURCES_JSON")"
      return 0
    fi
  done
}

# chk_bridge_info NODE BRIDGE: "TYPE VLAN_AWARE" of BRIDGE on NODE or "absent", then the node's
# bridges. This node: the kernel's bridges (`ip -d -j link`, no Proxmox call; a bridge only in
# /etc/network/interfaces cannot take a VM anyway); another node: /nodes/NODE/network.
chk_bridge_info() {
  local json
  if [[ "$1" == "$(pve_local_node)" ]]; then
    json="$(ip -d -j link show 2>/dev/null)" || return 1
    json="$(pq_links_as_network <<<"$json")" || return 1
  elif [[ "${PVE_NET_NODE:-}" == "$1" ]]; then
    json="$PVE_NET_JSON" # read already (--node auto)
  else
    pve_get "/nodes/$1/network" || return 1
    json="$PVE_OUT" PVE_NET_NODE="$1" PVE_NET_JSON="$PVE_OUT"
  fi
  pq_bridge_info "$2" <<<"$json"
}

# chk_bridge: the bridge exists on the node and, with --vlan, can carry the tag.
chk_bridge() {
  local out info all
  if ! out="$(chk_bridge_info "$CFG_NODE" "$CFG_BRIDGE")"; then
    linus_fail 4 "cannot list the network of node '${CFG_NODE}': ${PVE_ERR:-ip link failed}" \
      "check the node (pvesh get /nodes/${CFG_NODE}/network)"
  fi
  {
    read -r info
    read -r all
  } <<<"$out" || true
  if [[ "$info" == absent ]]; then
    linus_fail 4 "bridge '${CFG_BRIDGE}' does not exist on node '${CFG_NODE}'" "pick one of: ${all:-none} (--bridge)"
  fi
  [[ -z "$CFG_VLAN" ]] || chk_vlan "$info" # lib-sh/placement.sh
}

# chk_conflict: no VM of this name (cluster-wide) and a free --vmid, from RESOURCES_JSON.
# Fresh VMs have no name in /cluster/resources yet: for those the config in /etc/pve is read.
chk_conflict() {
  [[ -n "$CFG_NAME$CFG_VMID" ]] || return 0
  pve_resources || linus_fail 4 "cannot list the cluster's guests: ${PVE_ERR}" \
    "check pve-cluster (pvesh get /cluster/resources)"
  [[ -z "$CFG_VMID" ]] || chk_vmid_conflict "$CFG_VMID"
  [[ -n "$CFG_NAME" ]] || return 0
  chk_name_conflict "$CFG_NAME"
}

# chk_vmid_conflict ID: exit 7 when a VM or container has id ID, naming it and its node (its own
# message: the advice for a taken name, --reuse-existing, does not apply to an id).
chk_vmid_conflict() {
  local out type node name dir=qemu-server what=VM
  out="$(pq_guest_by_vmid "$1" <<<"$RESOURCES_JSON")"
  [[ -n "$out" ]] || return 0
  IFS=$'\t' read -r type node name <<<"$out"
  [[ "$type" != lxc ]] || dir=lxc what=CT
  if [[ -z "$name" ]]; then # a guest made moments ago: its name is in its config only
    name="$(sed -n -E 's/^(name|hostname): //p;/^\[/q' "${LINUS_PVE_ETC:-/etc/pve}/nodes/${node}/${dir}/$1.conf" \
      2>/dev/null | head -n 1)" || true
  fi
  linus_fail 7 "VMID $1 is taken by $(chk_guest_label "$what" "" "$name") on node ${node}" \
    "pick another --vmid or omit it (then the next free id is used)"
}

# chk_ipfree: a static --ip held by another guest's config (cluster-wide) or answering on the
# bridge is refused (exit 7, a conflict like a taken --vmid, naming the holder); --ip dhcp sends
# nothing. The probe runs on this node's bridge only, untagged (lib-sh/validation-ipuse.sh).
chk_ipfree() {
  local ip kind id node key name tool rc=0 who fix
  local -A probe=() # ipuse_probe's answer: [mac] [err]
  [[ "$CFG_IP" != dhcp ]] || return 0
  ip="${CFG_IP%/*}"
  read -r kind id node key name < <(ipuse_configs "$ip") || true
  if [[ -n "${id:-}" ]]; then
    fix="pct set ${id} --${key} ..."
    [[ "$kind" == CT ]] || fix="qm set ${id} --${key} ..."
    who="$(chk_guest_label "$kind" "$id" "$name")"
    linus_fail 7 "--ip ${ip} is already the static address of ${who} on node ${node} (${key})" \
      "pick another --ip (or --ip dhcp), or give ${kind} ${id} another address first (${fix})"
  fi
  tool="$(ipuse_probe_tool)"
  if [[ "$tool" == off ]]; then return 0; fi
  if [[ -n "${PVE_REMOTE_NODE:-}" || -n "$CFG_VLAN" ]]; then
    who="${PVE_REMOTE_NODE:+the bridge is on node ${PVE_REMOTE_NODE}}"
    who+="${CFG_VLAN:+VLAN ${CFG_VLAN} has no interface on this host}"
    log_info "--ip ${ip}: the guest configs hold it nowhere; not probed on the network (${who})"
    return 0
  fi
  ipuse_probe probe "$ip" "$CFG_BRIDGE" "$tool" || rc=$?
  case "$rc" in
    0) chk_ipfree_answers "$ip" "$tool" "${probe[mac]}" ;;
    1) log_info "--ip ${ip} is free: no guest config holds it and nothing answered on ${CFG_BRIDGE} (${tool})" ;;
    *)
      log_warn "--ip ${ip}: could not probe it on ${CFG_BRIDGE} (${probe[err]}); only the guest configs were checked"
      ;;
  esac
}

# chk_ipfree_answers IP TOOL MAC: exit 7 for an IP that answered on the bridge, naming the guest
# whose config holds MAC (else "a device").
chk_ipfree_answers() {
  local ip="$1" tool="$2" mac="$3" who="" kind id node key name
  [[ -z "$mac" ]] || who="$(ipuse_mac_owner "$mac")"
  if [[ -n "$who" ]]; then
    read -r kind id node key name <<<"$who"
    who="$(chk_guest_label VM "$id" "$name") on node ${node} (MAC ${mac}) has it"
  else
    who="a device${mac:+ with MAC ${mac}} has it"
  fi
  linus_fail 7 "--ip ${ip} answers on bridge ${CFG_BRIDGE} (${tool}): ${who}" \
    "pick another --ip (or --ip dhcp); check with: ip neigh show ${ip}"
}

# chk_guest_label KIND ID NAME: "VM 105 'db1'" (no ID or NAME: left out).
chk_guest_label() {
  local q="'"
  printf '%s%s%s' "$1" "${2:+ $2}" "${3:+ ${q}$3${q}}"
}

# chk_name_conflict NAME: exit 7 when a VM named NAME exists (uses RESOURCES_JSON).
chk_name_conflict() {
  local out id node f
  [[ -n "${RESOURCES_JSON:-}" ]] || return 0
  out="$(pq_vm_name_holders "$1" <<<"$RESOURCES_JSON")"
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
