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

# val_size V UNIT_NAME DEFAULT_UNIT MIN MAX FACTOR_OF_G: a size with an optional unit letter;
# VAL_OUT in the default unit. Used by val_memory (M, G) and val_disk (G).
val_size() {
  local v="${1-}" what="$2" accepted="$3" min="$4" max="$5" per_g="$6" n unit LC_ALL=C
  if [[ ! "$v" =~ ^([0-9]{1,12})([A-Za-z]*)$ ]]; then
    val_fail "${what}: not a size; expected ${accepted}"
    return 1
  fi
  n="$((10#${BASH_REMATCH[1]}))" unit="${BASH_REMATCH[2],,}"
  case "$unit" in
    '') ;;
    g) n=$((n * per_g)) ;;
    m) if ((per_g == 1)); then
      val_fail "${what}: unit M is not accepted; expected ${accepted}"
      return 1
    fi ;;
    *)
      val_fail "${what}: unknown unit '${BASH_REMATCH[2]}'; expected ${accepted}"
      return 1
      ;;
  esac
  if ((n < min || n > max)); then
    val_fail "${what}: ${n} is out of range; expected ${accepted}"
    return 1
  fi
  val_ok "$n"
}

# val_memory V: MiB, integer 512..4194304 (4 TiB); "8G" and "8192M" accepted -> VAL_OUT in MiB.
val_memory() {
  val_size "${1-}" memory "MiB from 512 to 4194304, e.g. 2048, 8192M or 8G" 512 4194304 1024
}

# val_disk V: GiB, integer 1..65536 (64 TiB); "50G" accepted -> VAL_OUT in GiB.
val_disk() {
  val_size "${1-}" disk "GiB from 1 to 65536, e.g. 20 or 50G" 1 65536 1
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
