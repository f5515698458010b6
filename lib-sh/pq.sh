# shellcheck shell=bash
# shellcheck disable=SC2016 # the single-quoted strings are perl programs (their $ are perl's)
# Proxmox queries: one function per question asked of a Proxmox JSON answer (pvesh get ...
# --output-format json, or `ip -d -j link` where this node's kernel stands in for
# /nodes/NODE/network). Each reads the JSON on stdin and prints its answer on stdout; none calls
# Proxmox itself. The fields are those of the PVE API schema (pve-docs api-viewer apidata.js,
# the `returns` of each path); perl's JSON::PP decodes, so jq is never needed.
# Function definitions only; no side effects when sourced.

# pq_json PERLCODE [ARGS...]: decode the JSON on stdin into $d and run PERLCODE (which prints
# what it finds); @ARGV holds ARGS.
pq_json() {
  local code="$1"
  shift
  perl -MJSON::PP -e 'local $/; my $t = <STDIN>; my $d = JSON::PP->new->allow_nonref->decode($t // "null"); '"$code" \
    -- "$@"
}

# --- /cluster/resources (array; type node|storage|qemu|lxc|pool|sdn; node: node status maxcpu
# maxmem mem; storage: node storage status content maxdisk disk plugintype shared; qemu/lxc:
# vmid node name status template tags) ---

# pq_node_line NODE: "STATUS MAXCPU MAXMEM MEM" of NODE (missing numbers 0, missing status
# unknown) or "absent 0 0 0"; then the cluster's node names, sorted, comma separated.
# Reads /cluster/resources, type node: node status maxcpu maxmem mem.
pq_node_line() {
  pq_json 'my @n = grep { ($_->{type} // "") eq "node" } @$d; my ($n) = grep { $_->{node} eq $ARGV[0] } @n;
    print join(" ", $n ? ($n->{status} // "unknown", map { int($n->{$_} // 0) } qw(maxcpu maxmem mem))
      : ("absent", 0, 0, 0)), "\n";
    print join(",", sort map { $_->{node} } @n), "\n";' "$1"
}

# pq_storage_info NODE STORAGE: "IMAGES AVAIL PLUGINTYPE SHARED" of STORAGE on NODE (IMAGES 1|0,
# or "inactive" when its status is not available; AVAIL maxdisk - disk in bytes, -1 unknown) or
# "absent"; then the available storages of NODE with images content; then those with snippets
# content (both sorted, comma separated).
# Reads /cluster/resources, type storage: node storage status content maxdisk disk plugintype shared.
pq_storage_info() {
  pq_json 'my @s = grep { ($_->{type} // "") eq "storage" && ($_->{node} // "") eq $ARGV[0] } @$d;
    my $ok = sub { ($_[0]->{status} // "") eq "available" };
    my $has = sub { my ($s, $c) = @_; grep { $_ eq $c } split /,/, ($s->{content} // "") };
    my ($s) = grep { $_->{storage} eq $ARGV[1] } @s;
    print $s ? join(" ", $ok->($s) ? ($has->($s, "images") ? 1 : 0) : "inactive",
      defined $s->{maxdisk} ? ($s->{maxdisk} - ($s->{disk} // 0)) : -1, $s->{plugintype} // "?",
      $s->{shared} ? 1 : 0) : "absent", "\n";
    print join(",", sort map { $_->{storage} } grep { $ok->($_) && $has->($_, "images") } @s), "\n";
    print join(",", sort map { $_->{storage} } grep { $ok->($_) && $has->($_, "snippets") } @s), "\n";' \
    "$1" "$2"
}

# pq_storage_shared STORAGE: 1 when STORAGE is shared (on any node), else 0.
# Reads /cluster/resources, type storage: storage shared.
pq_storage_shared() {
  pq_json 'print((grep { ($_->{type} // "") eq "storage" && $_->{storage} eq $ARGV[0] && $_->{shared} } @$d)
    ? 1 : 0)' "$1"
}

# pq_iso_store NODE: the available storage of NODE with iso content to download an image to:
# local if it qualifies, else the first by name; nothing (no newline) when none.
# Reads /cluster/resources, type storage: node storage status content.
pq_iso_store() {
  pq_json 'my @s = map { $_->{storage} } grep { ($_->{type} // "") eq "storage" && $_->{node} eq $ARGV[0]
      && ($_->{status} // "") eq "available" && grep { $_ eq "iso" } split /,/, ($_->{content} // "") } @$d;
    my ($p) = ((grep { $_ eq "local" } @s), sort @s); print $p // ""' "$1"
}

# pq_nodes_by_free_memory STORAGE: the online nodes that report maxmem, most free memory first
# (then by name), one "NODE HAS FREE_MIB" line each (HAS 1 when STORAGE is available there with
# images content, else 0); just "auto" when a node is really named auto.
# Reads /cluster/resources, type node: node status maxmem mem; type storage: node storage
# status content.
pq_nodes_by_free_memory() {
  pq_json 'my ($st) = @ARGV; my @n = grep { ($_->{type} // "") eq "node" } @$d;
    if (grep { $_->{node} eq "auto" } @n) { print "auto\n"; exit 0 }
    my %has = map { ($_->{node} => 1) } grep { ($_->{type} // "") eq "storage" && $_->{storage} eq $st
      && ($_->{status} // "") eq "available" && grep { $_ eq "images" } split /,/, ($_->{content} // "") } @$d;
    for (sort { ($b->{maxmem} - $b->{mem}) <=> ($a->{maxmem} - $a->{mem}) || $a->{node} cmp $b->{node} }
         grep { ($_->{status} // "") eq "online" && defined $_->{maxmem} } @n) {
      print join(" ", $_->{node}, $has{$_->{node}} ? 1 : 0, int(($_->{maxmem} - ($_->{mem} // 0)) / 1048576)), "\n" }' \
    "$1"
}

# pq_guest_by_vmid ID: "TYPE<TAB>NODE<TAB>NAME" of the VM or container with id ID (NODE ? and
# NAME empty when missing), nothing when no guest has it.
# Reads /cluster/resources, type qemu|lxc: vmid type node name.
pq_guest_by_vmid() {
  pq_json 'for (grep { ($_->{type} // "") =~ /^(qemu|lxc)$/ } @$d) {
      if (($_->{vmid} // "") eq $ARGV[0]) {
        print join("\t", $_->{type}, $_->{node} // "?", $_->{name} // ""), "\n"; last } }' "$1"
}

# pq_vm_name_holders NAME: the VMs (not containers) named NAME, "=VMID NODE" each, and those
# with no name yet (made moments ago: the name is in their config only), "?VMID NODE" each.
# Reads /cluster/resources, type qemu: vmid node name.
pq_vm_name_holders() {
  pq_json 'for (grep { ($_->{type} // "") eq "qemu" } @$d) {
      if (!defined $_->{name}) { print "?$_->{vmid} $_->{node}\n" }
      elsif ($_->{name} eq $ARGV[0]) { print "=$_->{vmid} $_->{node}\n" } }' "$1"
}

# pq_vm_by_id_or_name ID NAME: the guest with id ID, or (ID empty) each VM named NAME, by vmid, one
# line each: "VMID TYPE NODE STATUS TEMPLATE NAME TAGS", tab separated (TEMPLATE 1|0; missing: ?,
# unknown, empty). Nothing when none.
# Reads /cluster/resources, any type: vmid type node status template name tags.
pq_vm_by_id_or_name() {
  pq_json 'my ($id, $name) = @ARGV;
    for (sort { $a->{vmid} <=> $b->{vmid} } @$d) {
      next if $id ne "" && ($_->{vmid} // "") ne $id;
      next if $id eq "" && (($_->{type} // "") ne "qemu" || ($_->{name} // "") ne $name);
      print join("\t", $_->{vmid}, $_->{type} // "?", $_->{node} // "?", $_->{status} // "unknown",
        $_->{template} ? 1 : 0, $_->{name} // "", $_->{tags} // ""), "\n" }' "$1" "$2"
}

# pq_template_for NAME NODE SHA STORAGE: "VMID NEED VENDOR" of the lowest-id template on NODE
# tagged linus-tpl, sha-SHA and st-STORAGE (tags any case, separated by ; , or space; NEED the
# GiB of its need-Ng tag or -, VENDOR the STORE of its vendor-STORE tag or empty); nothing when
# none. NAME is not matched (tags identify a template; its name may have been changed).
# Reads /cluster/resources, type qemu: vmid node template tags.
pq_template_for() {
  pq_json 'my ($name, $node, $sha, $st) = @ARGV;
    for my $v (sort { $a->{vmid} <=> $b->{vmid} } @$d) {
      next unless ($v->{type} // "") eq "qemu" && ($v->{template} // 0) == 1 && ($v->{node} // "") eq $node;
      my %t = map { lc($_) => 1 } split /[;, ]/, ($v->{tags} // "");
      next unless $t{"linus-tpl"} && $t{"sha-$sha"} && $t{lc "st-$st"};
      my ($vendor) = map { /^vendor-(.+)$/ ? $1 : () } sort keys %t;
      my ($need) = map { /^need-(\d+)g$/ ? $1 : () } keys %t;
      print join(" ", $v->{vmid}, $need // "-", $vendor // ""), "\n"; last }' "$1" "$2" "$3" "$4"
}

# pq_cloned_from TEMPLATE_ID: no output; exit 0 when a guest carries tag linus-from-TEMPLATE_ID
# (; separated, as the tool writes it), else 1.
# Reads /cluster/resources, any type: tags.
pq_cloned_from() {
  pq_json 'exit((grep { ($_->{tags} // "") =~ /(^|;)linus-from-\Q$ARGV[0]\E(;|$)/ } @$d) ? 0 : 1)' "$1"
}

# pq_linus_vms: the list action's result lines: LINUS_RESULT:SUCCESS, LINUS_COUNT:N, one
# "LINUS_VM:id=.. name=.. node=.. state=.. template=0|1 tags=.." line per VM (not container)
# tagged linus, by vmid (blanks and control characters as _, empty values as -), then LINUS_JSON
# with them as the array "vms" (ASCII, keys sorted).
# Reads /cluster/resources, type qemu: vmid name node status template tags.
pq_linus_vms() {
  pq_json 'my $js = JSON::PP->new->ascii->canonical;
    my $one = sub { my $v = shift // ""; $v =~ s/[\x00-\x20\x7f]+/_/g; $v eq "" ? "-" : $v };
    my @vms = map { { vm_id => $_->{vmid} + 0, vm_name => $_->{name} // "", vm_node => $_->{node} // "",
        vm_state => $_->{status} // "unknown", vm_template => ($_->{template} ? 1 : 0), vm_tags => $_->{tags} // "" } }
      sort { $a->{vmid} <=> $b->{vmid} }
      grep { ($_->{type} // "") eq "qemu" && (";" . ($_->{tags} // "") . ";") =~ /[;, ]linus[;, ]/ } @$d;
    print "LINUS_RESULT:SUCCESS\nLINUS_COUNT:", scalar(@vms), "\n";
    printf "LINUS_VM:id=%s name=%s node=%s state=%s template=%s tags=%s\n",
      map({ $one->($_) } @$_{qw(vm_id vm_name vm_node vm_state vm_template vm_tags)}) for @vms;
    print "LINUS_JSON:{\"result\":\"SUCCESS\",\"count\":", scalar(@vms), ",\"vms\":", $js->encode(\@vms), "}\n";'
}

# --- /nodes/NODE/network (array; iface type bridge_vlan_aware bridge_ports), or `ip -d -j link`
# (array; ifname master link_type linkinfo.info_kind linkinfo.info_data.vlan_filtering) ---

# pq_links_as_network: `ip -d -j link` reduced to the bridges in /nodes/NODE/network's shape: a
# JSON array of {iface, type bridge|OVSBridge, bridge_vlan_aware 1|0} (kernel bridges and
# openvswitch devices).
# Reads `ip -d -j link`: ifname linkinfo.info_kind linkinfo.info_data.vlan_filtering.
pq_links_as_network() {
  pq_json 'print JSON::PP->new->encode([map { my $k = $_->{linkinfo}{info_kind} // "";
      $k eq "bridge" || $k eq "openvswitch" ? { iface => $_->{ifname}, type => $k eq "bridge" ? "bridge" : "OVSBridge",
        bridge_vlan_aware => $_->{linkinfo}{info_data}{vlan_filtering} ? 1 : 0 } : () } @$d])'
}

# pq_bridge_info BRIDGE: "TYPE VLAN_AWARE" of BRIDGE (type bridge or OVSBridge; 1|0) or
# "absent"; then the names of all bridges, sorted, comma separated.
# Reads /nodes/NODE/network (or pq_links_as_network's answer): iface type bridge_vlan_aware.
pq_bridge_info() {
  pq_json 'my @b = grep { ($_->{type} // "") =~ /^(bridge|OVSBridge)$/ } @$d;
    my ($b) = grep { $_->{iface} eq $ARGV[0] } @b;
    print $b ? join(" ", $b->{type}, $b->{bridge_vlan_aware} ? 1 : 0) : "absent", "\n";
    print join(",", sort map { $_->{iface} } @b), "\n";' "$1"
}

# pq_link_vlan_ports BRIDGE RULE: from `ip -d -j link`, the ports of BRIDGE (their master) that
# Proxmox counts as physical under RULE (place_vlan_rule of lib-sh/placement.sh: "re", the names;
# or "ip,BONDS,VLANS", plain ethernet links, bonds and VLAN devices if 1), sorted, space separated.
# Reads `ip -d -j link`: ifname master link_type linkinfo.info_kind.
pq_link_vlan_ports() {
  pq_json 'my ($br, $rule) = @ARGV; my (undef, $bond, $vlan) = split /,/, $rule; my @p;
      for my $l (@$d) {
        next unless ($l->{master} // "") eq $br;
        my ($n, $k) = ($l->{ifname} // "", $l->{linkinfo}{info_kind} // "");
        push @p, $n if $rule eq "re" ? $n =~ /^(((eth|bond)\d+|en[^.]+)(\.\d+)?)$/
          : ($l->{link_type} // "") eq "ether" && ($k eq "" || ($k eq "bond" && $bond) || ($k eq "vlan" && $vlan)) }
      print join(" ", sort @p), "\n"' "$1" "$2"
}

# pq_network_vlan_ports BRIDGE RULE: as pq_link_vlan_ports, from /nodes/NODE/network: the
# bridge_ports of BRIDGE whose interface type is eth (bond, vlan when RULE says so), or by name
# under "re".
# Reads /nodes/NODE/network: iface type bridge_ports.
pq_network_vlan_ports() {
  pq_json 'my ($br, $rule) = @ARGV; my (undef, $bond, $vlan) = split /,/, $rule;
    my %t = map { (($_->{iface} // "") => ($_->{type} // "")) } @$d; my ($b) = grep { $_->{iface} eq $br } @$d;
    my @p = grep { my $t = $t{$_} // ""; $_ ne "none" && ($rule eq "re" ? /^(((eth|bond)\d+|en[^.]+)(\.\d+)?)$/
      : $t eq "eth" || ($t eq "bond" && $bond) || ($t eq "vlan" && $vlan)) } split /[\s,]+/, ($b->{bridge_ports} // "");
    print join(" ", sort grep { $_ ne "" } @p), "\n"' "$1" "$2"
}

# --- other paths ---

# pq_cpu_flags: /nodes/NODE/status (object; cpuinfo.flags, space separated): the flags, one line
# (empty when missing or not an object).
pq_cpu_flags() {
  pq_json 'print ref $d eq "HASH" ? ($d->{cpuinfo}{flags} // "") : "", "\n"'
}

# pq_volids: /nodes/NODE/storage/STORAGE/content (array; volid): every volid, one a line.
pq_volids() {
  pq_json 'print "$_->{volid}\n" for @$d'
}

# pq_vm_volids ID: the same content list: the volids named vm-ID-* (storage:vm-ID-... or
# .../vm-ID-...), space separated on one line (empty when none or not an array).
# Reads /nodes/NODE/storage/STORAGE/content: volid.
pq_vm_volids() {
  pq_json 'print join(" ", map { $_->{volid} } grep { ($_->{volid} // "") =~ m{[:/]vm-\Q$ARGV[0]\E-} }
    ref $d eq "ARRAY" ? @$d : ()), "\n"' "$1"
}

# pq_snapshots: /nodes/NODE/qemu/ID/snapshot (array; name snaptime parent vmstate description; the
# entry "current" is the VM itself): each snapshot, oldest first, as NAME TAB SNAPTIME TAB PARENT
# TAB VMSTATE(0|1) TAB DESCRIPTION (tabs and newlines in a description become spaces).
pq_snapshots() {
  pq_json 'for (sort { ($a->{snaptime} // 0) <=> ($b->{snaptime} // 0) or $a->{name} cmp $b->{name} }
      grep { ref $_ eq "HASH" && ($_->{name} // "current") ne "current" } ref $d eq "ARRAY" ? @$d : ()) {
      (my $t = $_->{description} // "") =~ s/[\t\r\n]+/ /g;
      print join("\t", $_->{name}, $_->{snaptime} // 0, $_->{parent} // "", $_->{vmstate} ? 1 : 0, $t), "\n" }'
}

# pq_snapshot_lines: the same list as the result of action snapshots: one line a snapshot, oldest
# first, LINUS_SNAPSHOT:name=NAME time=EPOCH parent=NAME|- vmstate=0|1, then one line: the JSON
# array of {name, snaptime, parent, vmstate, description}.
pq_snapshot_lines() {
  pq_json 'my @s = map { { name => $_->{name} . "", snaptime => ($_->{snaptime} // 0) + 0,
        parent => ($_->{parent} // "") . "", vmstate => ($_->{vmstate} ? 1 : 0),
        description => ($_->{description} // "") . "" } }
      sort { ($a->{snaptime} // 0) <=> ($b->{snaptime} // 0) or $a->{name} cmp $b->{name} }
      grep { ref $_ eq "HASH" && ($_->{name} // "current") ne "current" } ref $d eq "ARRAY" ? @$d : ();
    printf "LINUS_SNAPSHOT:name=%s time=%d parent=%s vmstate=%d\n", $_->{name}, $_->{snaptime},
      ($_->{parent} eq "" ? "-" : $_->{parent}), $_->{vmstate} for @s;
    print JSON::PP->new->ascii->canonical->encode(\@s), "\n";'
}

# pq_qm_status: /nodes/NODE/qemu/ID/status/current (object; status): "status: STATUS" as qm status
# prints it (unknown when missing).
pq_qm_status() {
  pq_json 'print "status: ", ($d->{status} // "unknown"), "\n"'
}

# pq_qm_config: /nodes/NODE/qemu/ID/config (object; the config keys, digest): "KEY: VALUE" lines
# as qm config prints them, sorted, without digest.
pq_qm_config() {
  pq_json 'for (sort keys %$d) { next if $_ eq "digest"; print "$_: $d->{$_}\n" }'
}

# pq_config_name: the same config: its name (empty when it has none).
# Reads /nodes/NODE/qemu/ID/config: name.
pq_config_name() {
  pq_json 'print $d->{name} // ""'
}

# pq_agent_result: /nodes/NODE/qemu/ID/agent/CMD (object; result): the result, pretty JSON with
# sorted keys, as qm guest cmd prints it (an answer without result as it is).
pq_agent_result() {
  pq_json 'print JSON::PP->new->pretty->canonical->encode(ref $d eq "HASH" && exists $d->{result} ? $d->{result} : $d)'
}

# pq_agent_ipv4 MAC: from the agent's network-get-interfaces result (array; name
# hardware-address ip-addresses[].ip-address, ip-address-type), the first IPv4 address of the
# interface with MAC (any case; MAC empty: of any interface) that is not loopback or link-local,
# skipping lo and container/virtual interfaces. Nothing when none.
# Reads /nodes/NODE/qemu/ID/agent/network-get-interfaces, unwrapped (pq_agent_result, or qm guest
# cmd ID network-get-interfaces).
pq_agent_ipv4() {
  pq_json 'my $mac = lc($ARGV[0] // "");
    my @ifs = grep { my $n = $_->{name} // "";
      $n ne "lo" && $n !~ /^(docker|br-|veth|cni|flannel|virbr|cali|tun|tap)/ } (ref $d eq "ARRAY" ? @$d : ());
    my @m = grep { lc($_->{"hardware-address"} // "") eq $mac } @ifs;
    @ifs = @m if $mac ne "";
    for my $i (@ifs) { for my $a (@{ $i->{"ip-addresses"} // [] }) {
      my $ip = $a->{"ip-address"} // "";
      next unless ($a->{"ip-address-type"} // "") eq "ipv4";
      next if $ip =~ /^(127\.|169\.254\.)/;
      print "$ip\n"; exit 0 } }' "$1"
}
