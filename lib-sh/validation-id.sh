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

# val_url V: an http(s) URL of at most 4096 characters (a presigned S3 URL with a session token
# passes 2048) without user:password@ (it would be printed in logs). Path and query may hold what
# RFC 3986 allows there except $ ' ; : letters, digits, - . _ ~ % / : @ ! & ( ) * + , = and ? in the
# query, so signed URLs (?X-Amz-...&X-Amz-Signature=...) pass. Refused: whitespace, control
# characters, quotes, backticks, $ ; | < > \ { } [ ] ^ #, non-ASCII. Every use of the URL is a
# quoted argument (curl/wget argv, pvesh --url), never shell text. VAL_ERR never repeats the URL.
val_url() {
  local v="${1-}" bad c what LC_ALL=C
  local accepted="expected http(s)://host[:port]/path?query with letters, digits and"
  accepted+=" - . _ ~ % / : @ ! & ( ) * + , = ? only"
  if [[ -z "$v" || ${#v} -gt 4096 ]]; then
    val_fail "a URL must be 1 to 4096 characters; ${accepted}"
    return 1
  fi
  if [[ ! "$v" =~ ^[Hh][Tt][Tt][Pp][Ss]?:// ]]; then
    val_fail "not an http or https URL; ${accepted}"
    return 1
  fi
  if [[ "$v" =~ ^[A-Za-z]+://[^/?#]*@ ]]; then
    val_fail "the URL carries a user name or password (user@host); these would appear in logs; \
use a URL without credentials"
    return 1
  fi
  bad="${v//[A-Za-z0-9._~%\/:@!&()*+,=?-]/}"
  if [[ -n "$bad" ]]; then
    c="${bad:0:1}"
    case "$c" in
      [[:space:]]) what="whitespace" ;;
      [[:cntrl:]]) what="a control character" ;;
      "'" | '"') what="a quote" ;;
      '`') what="a backtick" ;;
      \\) what="a backslash" ;;
      '#') what="'#' (a #fragment is never sent to the server: drop it)" ;;
      [[:print:]]) what="'${c}'" ;;
      *) what="a non-ASCII character (percent-encode it)" ;;
    esac
    val_fail "the URL has ${what}, which is not allowed in it; ${accepted}"
    return 1
  fi
  if [[ ! "$v" =~ ^[A-Za-z]+://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?([/?].*)?$ ]]; then
    val_fail "the URL has a bad host or port; ${accepted}"
    return 1
  fi
  val_ok "$v"
}

# val_url_shown V: V as it may be printed: for an http(s) URL, everything after its first ? becomes
# <redacted> (whatever else the value holds, e.g. a rejected one); any other value unchanged.
val_url_shown() {
  local v="${1-}"
  if [[ "$v" =~ ^[Hh][Tt][Tt][Pp][Ss]?:// && "$v" == *\??* ]]; then
    v="${v%%\?*}?<redacted>"
  fi
  printf '%s' "$v"
}

# val_url_redact TEXT: TEXT with the query string of every http(s) URL in it replaced by
# <redacted> (https://h/img.qcow2?<redacted>): a signed URL's query is its credential, so it is
# never printed (results, logs, errors, plans). Text without such a URL comes back unchanged.
val_url_redact() {
  local t="${1-}" out="" re LC_ALL=C
  re='([Hh][Tt][Tt][Pp][Ss]?://[^?[:space:]]*)\?[^<[:space:]'\''"][^[:space:]'\''"]*'
  while [[ "$t" =~ $re ]]; do
    out+="${t%%"${BASH_REMATCH[0]}"*}${BASH_REMATCH[1]}?<redacted>"
    t="${t#*"${BASH_REMATCH[0]}"}"
  done
  printf '%s' "${out}${t}"
}

# val_redact_stream: stdin to stdout line by line through val_url_redact (a tool's messages).
val_redact_stream() {
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    printf '%s\n' "$(val_url_redact "$line")"
  done
}

# val_storage_id V: a Proxmox storage id (pve-common parse_storage_id:
# /^[a-z][a-z0-9\-\_\.]*[a-z0-9]$/i), at most 100 characters.
val_storage_id() {
  local v="${1-}" LC_ALL=C
  if [[ ${#v} -gt 100 || ! "$v" =~ ^[a-zA-Z][a-zA-Z0-9_.-]*[a-zA-Z0-9]$ ]]; then
    val_fail "not a Proxmox storage id; expected a letter, then letters, digits, - _ . and a letter or digit \
last, e.g. local-lvm"
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
  local key keys aliases
  if key="$(img_catalog_resolve "${1-}")"; then
    val_ok "$key"
    return 0
  fi
  keys="$(img_catalog_keys | tr '\n' ' ')"
  aliases="$(img_catalog_aliases | cut -d' ' -f1 | paste -sd, | sed 's/,/, /g')"
  val_fail "unknown OS; expected one of: ${keys% } (aliases: ${aliases}), or --image-url with --image-sha256"
}

# val_snapname V: a snapshot name as Proxmox takes it (pve-configid: a letter, then letters,
# digits or _, 2..40 in all; 'current' and 'pending' are reserved).
val_snapname() {
  local v="${1-}" LC_ALL=C
  if [[ ! "$v" =~ ^[A-Za-z][A-Za-z0-9_]{1,39}$ ]]; then
    val_fail "not a snapshot name; expected 2 to 40 letters, digits or _, starting with a letter, e.g. before_upgrade"
    return 1
  fi
  if [[ "$v" == current || "${v,,}" == pending ]]; then
    val_fail "'${v}' is a name Proxmox reserves; pick another, e.g. before_upgrade"
    return 1
  fi
  val_ok "$v"
}
