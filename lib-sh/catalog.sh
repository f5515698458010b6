# shellcheck shell=bash
# The image catalog (CONTRACT §2): vendor cloud image URLs and the vendor checksum files, and
# the checksum file parser. Function definitions only; no side effects when sourced.
#
# Verified (2025/2026, against many public provisioning scripts and tests that quote these files):
# - Ubuntu: https://cloud-images.ubuntu.com/<codename>/current/<codename>-server-cloudimg-amd64.img
#   with SHA256SUMS in the same directory, GNU binary-mode lines "<hex> *<name>".
# - Debian: https://cloud.debian.org/images/cloud/<codename>/latest/debian-<n>-genericcloud-amd64.qcow2
#   with SHA512SUMS in the same directory, GNU lines "<hex>  <name>".
# - Rocky: https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2
#   with the sidecar "<image>.CHECKSUM", BSD lines "SHA256 (<name>) = <hex>" after a
#   "# <name>: <n> bytes" comment.
# - AlmaLinux: https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2
#   with CHECKSUM in the same directory, GNU lines "<hex>  <name>" (dated and -latest names).
# Aliases: ubuntu -> ubuntu-24.04 (the newest LTS), debian -> debian-13 (trixie, Debian's stable
# release since August 2025), rocky -> rocky-9, almalinux (and alma) -> almalinux-9.

# img_catalog_keys: the catalog keys, one a line.
img_catalog_keys() {
  printf '%s\n' ubuntu-24.04 ubuntu-22.04 debian-13 debian-12 rocky-9 almalinux-9
}

# img_catalog_aliases: "alias key" pairs, one a line.
img_catalog_aliases() {
  printf '%s\n' 'ubuntu ubuntu-24.04' 'debian debian-13' 'rocky rocky-9' \
    'almalinux almalinux-9' 'alma almalinux-9'
}

# img_catalog_resolve NAME: the catalog key for a key or an alias (case-insensitive) on stdout;
# 1 when unknown.
img_catalog_resolve() {
  local name="${1,,}" k a
  while IFS= read -r k; do
    [[ "$name" == "$k" ]] && { printf '%s\n' "$k"; return 0; }
  done < <(img_catalog_keys)
  while read -r a k; do
    [[ "$name" == "$a" ]] && { printf '%s\n' "$k"; return 0; }
  done < <(img_catalog_aliases)
  return 1
}

# img_catalog KEY: set IMG_KEY, IMG_URL, IMG_SUMS_URL, IMG_SUMS_ALGO (sha256|sha512), IMG_FILE
# (the name as listed in the checksum file; unique per key, also the cache file name) and
# IMG_DEFAULT_USER for a catalog key or alias; 1 for an unknown key (globals untouched).
# shellcheck disable=SC2034 # the IMG_ globals are this function's output (read by steps/image.sh)
img_catalog() {
  local key base code n
  key="$(img_catalog_resolve "${1-}")" || return 1
  case "$key" in
    ubuntu-*)
      case "$key" in
        ubuntu-24.04) code=noble ;;
        ubuntu-22.04) code=jammy ;;
      esac
      base="https://cloud-images.ubuntu.com/${code}/current"
      IMG_FILE="${code}-server-cloudimg-amd64.img"
      IMG_SUMS_URL="${base}/SHA256SUMS" IMG_SUMS_ALGO=sha256 IMG_DEFAULT_USER=ubuntu
      ;;
    debian-*)
      n="${key#debian-}"
      case "$n" in
        12) code=bookworm ;;
        13) code=trixie ;;
      esac
      base="https://cloud.debian.org/images/cloud/${code}/latest"
      IMG_FILE="debian-${n}-genericcloud-amd64.qcow2"
      IMG_SUMS_URL="${base}/SHA512SUMS" IMG_SUMS_ALGO=sha512 IMG_DEFAULT_USER=debian
      ;;
    rocky-9)
      base="https://dl.rockylinux.org/pub/rocky/9/images/x86_64"
      IMG_FILE="Rocky-9-GenericCloud-Base.latest.x86_64.qcow2"
      IMG_SUMS_URL="${base}/${IMG_FILE}.CHECKSUM" IMG_SUMS_ALGO=sha256 IMG_DEFAULT_USER=rocky
      ;;
    almalinux-9)
      base="https://repo.almalinux.org/almalinux/9/cloud/x86_64/images"
      IMG_FILE="AlmaLinux-9-GenericCloud-latest.x86_64.qcow2"
      IMG_SUMS_URL="${base}/CHECKSUM" IMG_SUMS_ALGO=sha256 IMG_DEFAULT_USER=almalinux
      ;;
    *) return 1 ;;
  esac
  IMG_KEY="$key"
  IMG_URL="${base}/${IMG_FILE}"
}

# img_checksum_from_file SUMSFILE NAME ALGO: the expected lower-case hex digest of NAME from a
# checksum file in GNU ("<hex>  NAME", "<hex> *NAME") or BSD ("SHA256 (NAME) = <hex>") format,
# on stdout. ALGO (sha256|sha512) fixes the digest length and the BSD tag. CRLF line ends,
# comments and PGP armour lines are ignored. 1 when NAME has no entry (or the file is unreadable).
img_checksum_from_file() {
  local file="$1" name="$2" algo="${3,,}" len line hex tag rest
  case "$algo" in
    sha256) len=64 ;;
    sha512) len=128 ;;
    *) return 1 ;;
  esac
  [[ -r "$file" ]] || return 1
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%$'\r'}"
    if [[ "$line" =~ ^([0-9A-Fa-f]+)\ [\ *](.+)$ ]]; then
      hex="${BASH_REMATCH[1]}" rest="${BASH_REMATCH[2]}"
      [[ "$rest" == "$name" && ${#hex} -eq $len ]] && { printf '%s\n' "${hex,,}"; return 0; }
    elif [[ "$line" =~ ^([A-Za-z0-9-]+)\ \((.+)\)\ =\ ([0-9A-Fa-f]+)$ ]]; then
      tag="${BASH_REMATCH[1]}" rest="${BASH_REMATCH[2]}" hex="${BASH_REMATCH[3]}"
      tag="${tag,,}"
      tag="${tag//-/}"
      [[ "$tag" == "$algo" && "$rest" == "$name" && ${#hex} -eq $len ]] &&
        { printf '%s\n' "${hex,,}"; return 0; }
    fi
  done <"$file"
  return 1
}
