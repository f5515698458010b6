# shellcheck shell=bash
# Numeric validators (part of lib-sh/validation.sh, which defines val_fail/val_ok).
# Integers: ASCII digits only, no sign, at most 18 digits (no overflow); leading zeros allowed
# and dropped in VAL_OUT ("0100" -> 100).

# val_int_range V MIN MAX: an integer MIN..MAX.
val_int_range() {
  local v="${1-}" min="$2" max="$3" LC_ALL=C
  if [[ -z "$v" ]]; then
    val_fail "empty; expected a whole number from ${min} to ${max}"
    return 1
  fi
  if [[ ! "$v" =~ ^[0-9]{1,18}$ ]]; then
    val_fail "not a whole number; expected digits only, from ${min} to ${max}"
    return 1
  fi
  v="$((10#$v))"
  if ((v < min || v > max)); then
    val_fail "${v} is out of range; expected ${min} to ${max}"
    return 1
  fi
  val_ok "$v"
}

# val_cores V [MAX]: CPU cores, 1..MAX (the node's CPU count; default 1024).
val_cores() {
  val_int_range "${1-}" 1 "${2:-1024}" && return 0
  VAL_ERR="cores: ${VAL_ERR} (at most the node's CPU count)"
  return 1
}

# val_size V WHAT ACCEPTED MIN MAX BASE: a whole size with an optional unit, VAL_OUT in BASE (m: MiB,
# g: GiB). Units, any case, all binary (GB is taken as GiB, as Proxmox itself and its users mean it):
# M/MB/MiB, G/GB/GiB, T/TB/TiB; M is refused when BASE is g (disks are whole GiB). A decimal
# (8.5G) is refused with the whole value to write instead when there is one (8704M).
val_size() {
  local v="${1-}" what="$2" accepted="$3" min="$4" max="$5" base="$6" n dot frac raw unit per LC_ALL=C
  if [[ ! "$v" =~ ^([0-9]{1,12})(\.[0-9]{0,6})?([A-Za-z]*)$ ]]; then
    val_fail "${what}: not a size; expected ${accepted}"
    return 1
  fi
  n="$((10#${BASH_REMATCH[1]}))" dot="${BASH_REMATCH[2]}" frac="${BASH_REMATCH[2]#.}" raw="${BASH_REMATCH[3]}"
  unit="${raw,,}"
  if ! per="$(val_unit_factor "$unit" "$base")"; then
    case "$base:$unit" in
      g:m | g:mb | g:mib) val_fail "${what}: unit ${raw} is not accepted (disks are whole GiB); expected ${accepted}" ;;
      g:*) val_fail "${what}: unknown unit '${raw}'; expected ${accepted} (units G/GB/GiB, T/TB/TiB)" ;;
      *) val_fail "${what}: unknown unit '${raw}'; expected ${accepted} (units M/MB/MiB, G/GB/GiB, T/TB/TiB)" ;;
    esac
    return 1
  fi
  if [[ -n "$dot" ]]; then
    val_fail "${what}: a decimal is not accepted; $(val_size_whole "$n" "$frac" "$per" "$base")"
    return 1
  fi
  n=$((n * per))
  if ((n < min || n > max)); then
    val_fail "${what}: ${n} ${base^^}iB is out of range; expected ${accepted}"
    return 1
  fi
  val_ok "$n"
}

# val_unit_factor UNIT BASE: how many BASE units (m or g) one UNIT is; returns 1 for an unknown unit.
val_unit_factor() {
  local u="$1" f
  case "$u" in
    '') f=1 ;;
    m | mb | mib)
      [[ "$2" == m ]] || return 1
      f=1
      ;;
    g | gb | gib)
      f=1
      [[ "$2" == g ]] || f=1024
      ;;
    t | tb | tib)
      f=1024
      [[ "$2" == g ]] || f=1048576
      ;;
    *) return 1 ;;
  esac
  printf '%s' "$f"
}

# val_size_whole N FRAC PER BASE: the advice for the decimal N.FRAC of a unit worth PER BASE units:
# "write 8704M" when that is whole, else "write a whole number of M|G".
val_size_whole() {
  local n="$1" frac="${2:-0}" per="$3" u="${4^^}" scale=1 i num
  for ((i = 0; i < ${#frac}; i++)); do scale=$((scale * 10)); done
  num=$(((n * scale + 10#$frac) * per))
  if ((num % scale == 0)); then
    printf 'write %s%s' "$((num / scale))" "$u"
  else
    printf 'write a whole number of %s (e.g. %s%s)' "${u}iB" "$(((num + scale - 1) / scale))" "$u"
  fi
}

# val_memory V: MiB, integer 512..4194304 (4 TiB); 8G, 8GB, 8192M, 8192MB accepted -> VAL_OUT in MiB.
val_memory() {
  val_size "${1-}" memory "MiB from 512 to 4194304, e.g. 2048, 8192M, 8G or 8GB" 512 4194304 m
}

# val_disk V: GiB, integer 1..65536 (64 TiB); 50G, 50GB, 1T accepted -> VAL_OUT in GiB.
val_disk() {
  val_size "${1-}" disk "GiB from 1 to 65536, e.g. 20, 50G, 50GB or 1TB" 1 65536 g
}

# val_vlan V: a VLAN tag 1..4094.
val_vlan() {
  val_int_range "${1-}" 1 4094 && return 0
  VAL_ERR="VLAN tag: ${VAL_ERR}"
  return 1
}

# val_vmid V: a Proxmox VM id 100..999999999.
val_vmid() {
  val_int_range "${1-}" 100 999999999 && return 0
  VAL_ERR="VM id: ${VAL_ERR}"
  return 1
}

# val_timeout V: seconds, 1..86400 (one day).
val_timeout() {
  val_int_range "${1-}" 1 86400 && return 0
  VAL_ERR="timeout: ${VAL_ERR} seconds"
  return 1
}

# val_timeout0 V: 0 (do not wait: look once), else as val_timeout.
val_timeout0() {
  [[ "${1-}" != 0 ]] || {
    val_ok 0
    return 0
  }
  val_timeout "$@"
}

# val_sha256 V: 64 hex digits (an optional "sha256:" prefix is dropped) -> VAL_OUT lower case.
val_sha256() {
  local v="${1-}" LC_ALL=C
  v="${v#sha256:}"
  v="${v#SHA256:}"
  if [[ ! "$v" =~ ^[0-9A-Fa-f]{64}$ ]]; then
    val_fail "not a sha256 digest; expected 64 hex digits (0-9, a-f), e.g. from sha256sum"
    return 1
  fi
  val_ok "${v,,}"
}
