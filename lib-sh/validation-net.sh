# shellcheck shell=bash
# Network validators (part of lib-sh/validation.sh, which defines val_fail/val_ok).

# val_ipv4 V: dotted quad, each part 0..255 without leading zeros (so "010" is never octal).
val_ipv4() {
  local v="${1-}" p LC_ALL=C
  if [[ ! "$v" =~ ^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$ ]]; then
    val_fail "not an IPv4 address; expected a.b.c.d with parts 0-255, no leading zeros"
    return 1
  fi
  for p in "${BASH_REMATCH[@]:1}"; do
    if ((p > 255)); then
      val_fail "not an IPv4 address: a part is over 255; expected a.b.c.d with parts 0-255"
      return 1
    fi
  done
  val_ok "$v"
}

# val_ipv4_int A.B.C.D: the address as an integer on stdout (the address must be valid).
val_ipv4_int() {
  local a b c d
  IFS=. read -r a b c d <<<"$1"
  printf '%s\n' "$(((a << 24) | (b << 16) | (c << 8) | d))"
}

# val_ipv6 V: an IPv6 address (hex groups, one "::" at most, an IPv4 tail allowed, no zone)
# -> VAL_OUT lower case.
val_ipv6() {
  local v="${1-}" head LC_ALL=C
  if [[ "$v" =~ ^[0-9A-Fa-f:.]{2,45}$ && "$v" == *:*:* && "$v" != *::*::* && "$v" != *:::* ]]; then
    head="$v"
    [[ "$v" != *.* ]] || head="${v%:*}:0:0" # an IPv4 tail counts as two groups
    if [[ "$v" != *.* ]] || val_ipv4 "${v##*:}"; then
      if val_ipv6_groups "$head"; then
        val_ok "${v,,}"
        return 0
      fi
    fi
  fi
  val_fail "not an IPv6 address; expected e.g. 2001:db8::1"
}

# val_ipv6_groups HEAD: 0 when HEAD (an IPv6 address without an IPv4 tail) has 1..4 hex digits a
# group, 8 groups, or at most 7 with "::", and no lone ":" at either end.
val_ipv6_groups() {
  local head="$1" g n=0 groups=()
  [[ "$head" != :[!:]* && "$head" != *[!:]: ]] || return 1
  IFS=: read -r -a groups <<<"${head//::/:}"
  for g in "${groups[@]}"; do
    [[ -n "$g" ]] || continue
    [[ "$g" =~ ^[0-9A-Fa-f]{1,4}$ ]] || return 1
    n=$((n + 1))
  done
  if [[ "$head" == *::* ]]; then ((n <= 7)); else ((n == 8)); fi
}

# val_cidr V: a host address with its prefix, a.b.c.d/nn, nn 1..32. The address must be usable
# by a host: not 0.x, 127.x, multicast/reserved (224+), nor the network or broadcast address of
# its subnet (prefix up to 30).
val_cidr() {
  local v="${1-}" ip pfx int mask LC_ALL=C
  if [[ ! "$v" =~ ^([0-9.]+)/([1-9]|[12][0-9]|3[0-2])$ ]]; then
    val_fail "not an IPv4 CIDR; expected a.b.c.d/nn with nn 1-32, e.g. 192.168.1.50/24"
    return 1
  fi
  ip="${BASH_REMATCH[1]}" pfx="${BASH_REMATCH[2]}"
  if ! val_ipv4 "$ip"; then
    val_fail "not an IPv4 CIDR: ${VAL_ERR}"
    return 1
  fi
  int="$(val_ipv4_int "$ip")"
  if ((int >> 24 == 0 || int >> 24 == 127 || int >> 24 >= 224)); then
    val_fail "${ip} is not a usable host address (0.x, 127.x and 224.0.0.0 and above are reserved)"
    return 1
  fi
  mask=$(((0xFFFFFFFF << (32 - pfx)) & 0xFFFFFFFF))
  if ((pfx <= 30 && ((int & ~mask & 0xFFFFFFFF) == 0 || (int & ~mask & 0xFFFFFFFF) == (~mask & 0xFFFFFFFF)))); then
    val_fail "${ip} is the network or broadcast address of /${pfx}; expected the VM's own address inside the subnet"
    return 1
  fi
  val_ok "${ip}/${pfx}"
}

# val_ipv4_str N: the dotted quad of an integer.
val_ipv4_str() {
  printf "%s.%s.%s.%s" "$((($1 >> 24) & 255))" "$((($1 >> 16) & 255))" "$((($1 >> 8) & 255))" "$(($1 & 255))"
}

# val_gateway_in_subnet GW CIDR: GW is an IPv4 address inside CIDR's subnet, not the VM's own
# address, not the network or broadcast address.
val_gateway_in_subnet() {
  local gw="${1-}" cidr="${2-}" ip pfx g i mask
  if ! val_ipv4 "$gw"; then
    val_fail "gateway: ${VAL_ERR}"
    return 1
  fi
  if ! val_cidr "$cidr"; then
    val_fail "gateway: cannot check it against the address: ${VAL_ERR}"
    return 1
  fi
  ip="${cidr%/*}" pfx="${cidr#*/}"
  g="$(val_ipv4_int "$gw")" i="$(val_ipv4_int "$ip")"
  mask=$(((0xFFFFFFFF << (32 - pfx)) & 0xFFFFFFFF))
  if (((g & mask) != (i & mask))); then
    val_fail "gateway ${gw} is outside the subnet $(val_ipv4_str "$((i & mask))")/${pfx} of ${cidr}; \
expected an address inside it"
    return 1
  fi
  if ((g == i)); then
    val_fail "gateway ${gw} is the VM's own address; expected the router's address in ${cidr}"
    return 1
  fi
  if ((pfx <= 30 && ((g & ~mask & 0xFFFFFFFF) == 0 || (g & ~mask & 0xFFFFFFFF) == (~mask & 0xFFFFFFFF)))); then
    val_fail "gateway ${gw} is the network or broadcast address of ${cidr}; expected a host address"
    return 1
  fi
  val_ok "$gw"
}

# val_ip_mode V: "dhcp" (any case) -> dhcp, or an IPv4 CIDR (val_cidr).
val_ip_mode() {
  if [[ "${1-}" == [Dd][Hh][Cc][Pp] ]]; then
    val_ok dhcp
    return 0
  fi
  val_cidr "${1-}" && return 0
  VAL_ERR="${VAL_ERR}; or dhcp"
  return 1
}

# val_dns_list V: 1..8 IPv4/IPv6 addresses, comma and/or space separated -> VAL_OUT space separated.
val_dns_list() {
  local v="${1-}" a addrs=() LC_ALL=C
  v="${v//,/ }"
  v="${v//[$'\t\r\n']/ }"
  read -r -a addrs <<<"$v"
  if ((${#addrs[@]} == 0)); then
    val_fail "no DNS server given; expected IPv4/IPv6 addresses, comma or space separated"
    return 1
  fi
  if ((${#addrs[@]} > 8)); then
    val_fail "too many DNS servers (${#addrs[@]}); expected at most 8"
    return 1
  fi
  for a in "${!addrs[@]}"; do
    if val_ipv4 "${addrs[a]}" || val_ipv6 "${addrs[a]}"; then
      addrs[a]="$VAL_OUT"
      continue
    fi
    val_fail "DNS server #$((a + 1)) is not an IPv4 or IPv6 address; expected e.g. 1.1.1.1,2606:4700:4700::1111"
    return 1
  done
  val_ok "${addrs[*]}"
}

# val_dns_name V: Proxmox's dns-name format (pve-common JSONSchema.pm pve_verify_dns_name):
# labels [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? joined by dots; each label at most 63 characters,
# the whole at most 253.
val_dns_name() {
  local v="${1-}" label dns_labels=() LC_ALL=C
  local accepted="letters, digits and hyphens in dot-separated labels, e.g. web1 or web1.example.com"
  if [[ -z "$v" || ${#v} -gt 253 ]]; then
    val_fail "a name must be 1 to 253 characters; expected ${accepted}"
    return 1
  fi
  if [[ ! "$v" =~ ^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$ ]]; then
    val_fail "not a DNS name (no spaces, underscores or other symbols; no leading/trailing hyphen or dot); \
expected ${accepted}"
    return 1
  fi
  IFS=. read -r -a dns_labels <<<"$v"
  for label in "${dns_labels[@]}"; do
    if ((${#label} > 63)); then
      val_fail "a label of the name is over 63 characters; expected ${accepted}"
      return 1
    fi
  done
  val_ok "$v"
}
