# shellcheck shell=bash
# shellcheck disable=SC2034 # PVE_/IMG_ globals set here are read by the callers
# Image downloads: curl (or wget) to a file, hashing, a bounded flock.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/logging.sh"

# img_fetch URL DEST [quiet]: download URL to DEST, progress on stderr unless "quiet".
img_fetch() {
  local url="$1" dest="$2" quiet="${3:-}"
  if command -v curl >/dev/null 2>&1; then
    if [[ -n "$quiet" ]]; then
      curl -fsSL --retry 3 --retry-delay 2 --connect-timeout 30 -o "$dest" "$url" >&2
    else
      curl -fL --retry 3 --retry-delay 2 --connect-timeout 30 -o "$dest" "$url" >&2
    fi
  else
    if [[ -n "$quiet" ]]; then
      wget -q --tries=3 --timeout=30 -O "$dest" "$url" >&2
    else
      wget --progress=dot:giga --tries=3 --timeout=30 -O "$dest" "$url" >&2
    fi
  fi
}

# img_fetch_cmd URL DEST: the download command as it would run (for --dry-run).
img_fetch_cmd() {
  if command -v curl >/dev/null 2>&1; then
    IMG_CMD=(curl -fL --retry 3 --retry-delay 2 --connect-timeout 30 -o "$2" "$1")
  else
    IMG_CMD=(wget --progress=dot:giga --tries=3 --timeout=30 -O "$2" "$1")
  fi
}

# img_hash FILE ALGO: the lower-case hex digest (ALGO sha256 or sha512).
img_hash() {
  local out
  out="$("${2}sum" -- "$1")" || return 1
  printf '%s\n' "${out%% *}"
}

# img_virtual_size FILE: the image's virtual size in bytes (qemu-img info).
img_virtual_size() {
  qemu-img info --output=json -- "$1" 2>/dev/null |
    perl -MJSON::PP -e 'local $/; my $d = JSON::PP->new->decode(<STDIN>); print(($d->{"virtual-size"} // 0), "\n")'
}
