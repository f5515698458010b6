# shellcheck shell=bash
# Name and identifier validators (part of lib-sh/validation.sh, which defines val_fail/val_ok).
source "$(dirname "${BASH_SOURCE[0]}")/catalog.sh"

# val_user V: a Linux user name ^[a-z_][a-z0-9_-]{0,31}$. System accounts that exist on every
# cloud image are refused (root, daemon, bin, sys, sync, games, man, lp, mail, news, uucp, proxy,
# nobody, adm, operator): cloud-init would modify that account instead of creating a login user,
# and root logins with a key are disabled by the images' sshd/cloud-init defaults anyway.
val_user() {
  local v="${1-}" LC_ALL=C
  if [[ ! "$v" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]]; then
    val_fail "not a Linux user name; expected 1-32 characters: a lower-case letter or _, then a-z, 0-9, _ or -"
    return 1
  fi
  case "$v" in
    root | daemon | bin | sys | sync | games | man | lp | mail | news | uucp | proxy | nobody | adm | operator)
      val_fail "'${v}' is a system account; expected a new login user name such as ubuntu, admin or deploy"
      return 1
      ;;
  esac
  val_ok "$v"
}

# val_url V: an http(s) URL of at most 2048 characters without spaces, quotes or shell
# metacharacters (; & | $ ` \ < > ( ) * ! ' " and so on), and without user:password@ (it would
# be printed in logs).
val_url() {
  local v="${1-}" LC_ALL=C
  local accepted="expected https://host[:port]/path with letters, digits and - . _ ~ % / + : = , ? only"
  if [[ -z "$v" || ${#v} -gt 2048 ]]; then
    val_fail "a URL must be 1 to 2048 characters; ${accepted}"
    return 1
  fi
  if [[ ! "$v" =~ ^[Hh][Tt][Tt][Pp][Ss]?:// ]]; then
    val_fail "not an http or https URL; ${accepted}"
    return 1
  fi
  if [[ "$v" =~ ^[A-Za-z]+://[^/]*@ ]]; then
    val_fail "the URL carries a user name or password (user@host); these would appear in logs; use a URL without credentials"
    return 1
  fi
  if [[ ! "$v" =~ ^[A-Za-z]+://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~%/+:=,-]*)?(\?[A-Za-z0-9._~%/+:=,-]*)?$ ]]; then
    val_fail "the URL has a character that is not allowed (space, quote or shell metacharacter) or a bad host; ${accepted}"
    return 1
  fi
  val_ok "$v"
}

# val_storage_id V: a Proxmox storage id (pve-common parse_storage_id:
# /^[a-z][a-z0-9\-\_\.]*[a-z0-9]$/i), at most 100 characters.
val_storage_id() {
  local v="${1-}" LC_ALL=C
  if [[ ${#v} -gt 100 || ! "$v" =~ ^[a-zA-Z][a-zA-Z0-9_.-]*[a-zA-Z0-9]$ ]]; then
    val_fail "not a Proxmox storage id; expected a letter, then letters, digits, - _ . and a letter or digit last, e.g. local-lvm"
    return 1
  fi
  val_ok "$v"
}

# val_bridge V: a Linux interface name: 1-15 characters, letters, digits, _ . -, starting with a
# letter or digit (e.g. vmbr0).
val_bridge() {
  local v="${1-}" LC_ALL=C
  if [[ ! "$v" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$ ]]; then
    val_fail "not a bridge name; expected 1-15 characters (letters, digits, _ . -), e.g. vmbr0"
    return 1
  fi
  val_ok "$v"
}

# val_node_name V: a Proxmox node name (pve-common pve_verify_node_name: one DNS label,
# [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?, at most 63 characters).
val_node_name() {
  local v="${1-}" LC_ALL=C
  if [[ ${#v} -gt 63 || ! "$v" =~ ^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$ ]]; then
    val_fail "not a node name; expected one DNS label (letters, digits, inner hyphens, at most 63), e.g. pve"
    return 1
  fi
  val_ok "$v"
}

# val_os V: a catalog key or alias (lib-sh/catalog.sh) -> VAL_OUT the catalog key.
val_os() {
  local key keys
  if key="$(img_catalog_resolve "${1-}")"; then
    val_ok "$key"
    return 0
  fi
  keys="$(img_catalog_keys | tr '\n' ' ')"
  val_fail "unknown OS; expected one of: ${keys% } (aliases: ubuntu, debian, rocky, almalinux), or --image-url with --image-sha256"
}
