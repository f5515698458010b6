# shellcheck shell=bash
# Is a static IPv4 address already in use? Two sources, read-only, before anything is created:
# - the guest configs every cluster node sees under /etc/pve (pmxcfs): nodes/*/qemu-server/*.conf
#   (ipconfigN: ip=A.B.C.D/NN) and nodes/*/lxc/*.conf (netN: ...,ip=A.B.C.D/NN). Local file reads,
#   no API call per VM, whatever the number of VMs. Templates never run and are skipped; only the
#   current settings count (the lines before the first [snapshot] or [PENDING] section).
# - who answers on the bridge: arping of iputils in duplicate address detection mode (-D: source
#   0.0.0.0, so it works even when this host has no address in that subnet). iputils-arping is not
#   a dependency of Proxmox VE's packages, so a stock host may lack it; then ping (iputils-ping,
#   in every Debian base system) plus the neighbour table (an address that answered ARP but drops
#   ICMP is there too); without either, the neighbour table alone.
# Function definitions only; no side effects when sourced.

# ipuse_configs IP: the guests whose config holds IP as a static address, one line each:
# "VM|CT ID NODE KEY NAME" (NAME may be empty).
ipuse_configs() { ipuse_scan ip "$1"; }

# ipuse_mac_owner MAC: "VM ID NODE KEY NAME" of the first VM whose netN has MAC (any case).
ipuse_mac_owner() { ipuse_scan mac "$1"; }

# ipuse_scan ip|mac VALUE: the guest configs under /etc/pve (current section only, templates
# skipped) whose ipconfigN/netN holds the address ip=VALUE/, or (mac, VMs only) netN the MAC.
ipuse_scan() {
  local etc="${LINUS_PVE_ETC:-/etc/pve}"
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
  perl -e 'my ($mode, $v) = (shift, shift);
    for my $f (@ARGV) {
      my ($node, $kind, $id) = $f =~ m{/nodes/([^/]+)/(qemu-server|lxc)/(\d+)\.conf$} or next;
      next if $mode eq "mac" && $kind eq "lxc";
      open(my $h, "<", $f) or next;
      my ($name, $key, $tpl) = ("", "", 0);
      my $re = $mode eq "mac" ? qr/^(net\d+):\s*(?:\S*,)?[a-z0-9]+=\Q$v\E(?:,|$)/i
        : $kind eq "lxc" ? qr/^(net\d+):\s*(?:\S*,)?ip=\Q$v\E\// : qr/^(ipconfig\d+):\s*(?:\S*,)?ip=\Q$v\E\//;
      while (my $l = <$h>) {
        last if $l =~ /^\[/;
        $name = $1 if $l =~ /^(?:name|hostname):\s*(\S+)/;
        $tpl = 1 if $l =~ /^template:\s*1/;
        $key = $1 if !$key && $l =~ $re;
      }
      next unless $key && !$tpl;
      print join(" ", $kind eq "lxc" ? "CT" : "VM", $id, $node, $key, $name), "\n";
      last if $mode eq "mac";
    }' "$1" "$2" "$etc"/nodes/*/qemu-server/*.conf "$etc"/nodes/*/lxc/*.conf
}

# ipuse_neigh IP DEV: the MAC of IP in this host's neighbour table on DEV when the entry shows
# that it answered (REACHABLE, STALE, DELAY, PROBE, PERMANENT), else nothing.
ipuse_neigh() {
  local a rest re=' lladdr ([0-9a-fA-F:]{17}) .*(REACHABLE|STALE|DELAY|PROBE|PERMANENT)'
  while read -r a rest; do
    [[ "$a" == "$1" && " $rest " =~ $re ]] || continue
    printf '%s\n' "${BASH_REMATCH[1],,}"
    return 0
  done < <(ip neigh show dev "$2" 2>/dev/null)
}

# ipuse_probe_tool: the probe this host can run: arping (iputils), ping or neigh; LINUS_IP_PROBE
# (arping, ping, neigh, off) chooses one.
ipuse_probe_tool() {
  case "${LINUS_IP_PROBE:-auto}" in
    arping | ping | neigh | off)
      printf '%s\n' "$LINUS_IP_PROBE"
      return 0
      ;;
  esac
  if command -v arping >/dev/null 2>&1 && arping -V 2>&1 | grep -q iputils; then
    echo arping # (Thomas Habets' arping takes other options: not used)
  elif command -v ping >/dev/null 2>&1; then
    echo ping
  else
    echo neigh
  fi
}

# ipuse_probe REC IP DEV TOOL: 0 when IP answers on interface DEV of this host (REC[mac] = its
# MAC, lower case, when known), 1 when it does not, 2 when TOOL could not probe (REC[err] says
# why); REC is the caller's associative array. Bounded: at most about 4 seconds.
# shellcheck disable=SC2154 # _ipuse: a nameref to the caller's associative array (keys, not variables)
ipuse_probe() {
  local -n _ipuse="$1"
  shift
  local ip="$1" dev="$2" out rc=0
  _ipuse[mac]="" _ipuse[err]=""
  case "$3" in
    arping)
      out="$(timeout -k 1 5 arping -D -c 2 -w 3 -I "$dev" "$ip" 2>&1)" || rc=$?
      if [[ "$out" =~ reply\ from\ [0-9.]+\ \[([0-9A-Fa-f:]{17})\] ]]; then
        _ipuse[mac]="${BASH_REMATCH[1],,}"
        return 0
      fi
      ((rc == 0)) && return 1 # DAD mode: exit 0 = no reply
      _ipuse[err]="${out##*$'\n'}"
      [[ -n "${_ipuse[err]}" ]] || _ipuse[err]="arping exit ${rc}"
      return 2
      ;;
    ping)
      out="$(timeout -k 1 4 ping -n -c 1 -W 2 -I "$dev" "$ip" 2>&1)" || rc=$?
      _ipuse[mac]="$(ipuse_neigh "$ip" "$dev")"
      if ((rc == 0)) || [[ -n "${_ipuse[mac]}" ]]; then return 0; fi
      ((rc == 1)) && return 1 # no reply
      _ipuse[err]="${out##*$'\n'}"
      [[ -n "${_ipuse[err]}" ]] || _ipuse[err]="ping exit ${rc}"
      return 2
      ;;
    neigh)
      _ipuse[mac]="$(ipuse_neigh "$ip" "$dev")"
      [[ -n "${_ipuse[mac]}" ]] && return 0
      return 1
      ;;
  esac
  _ipuse[err]="no probe '${3}'"
  return 2
}
