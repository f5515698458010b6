# shellcheck shell=bash
# The image catalog: vendor cloud image URLs and the vendor checksum files, the checksum file
# parser, and the login name for a custom image. Function definitions only; no side effects when
# sourced. Where each URL, checksum format and user comes from: docs/CATALOG.md.
#
# Checksum files and their formats (all parsed by img_checksum_from_file):
# - Ubuntu SHA256SUMS beside the image, GNU binary-mode lines "<hex> *<name>".
# - Debian SHA512SUMS beside the image, GNU lines "<hex>  <name>".
# - Rocky "<image>.CHECKSUM" sidecar and CentOS Stream "<image>.SHA256SUM" sidecar, BSD lines
#   "SHA256 (<name>) = <hex>" after a "# <name>: <n> bytes" comment.
# - AlmaLinux CHECKSUM in the image directory, GNU lines "<hex>  <name>" (dated and -latest names).
# - Fedora "Fedora-Cloud-<rel>-<compose>-x86_64-CHECKSUM", PGP clear-signed BSD lines.
# - openSUSE "<image>.sha256" sidecar, one GNU line "<hex>  <name>".
# Aliases: ubuntu -> ubuntu-24.04, debian -> debian-13, rocky -> rocky-9, almalinux/alma ->
# almalinux-9 (the 10s need an x86-64-v3 CPU, so the short names stay on what runs on any
# host), centos -> centos-stream-10, fedora -> fedora-43, opensuse/leap -> opensuse-leap-16.
source "$(dirname "${BASH_SOURCE[0]}")/state.sh"

# img_catalog_keys: the catalog keys, one a line.
img_catalog_keys() {
  printf '%s\n' ubuntu-24.04 ubuntu-22.04 ubuntu-26.04 debian-13 debian-12 rocky-9 rocky-10 \
    almalinux-9 almalinux-10 centos-stream-10 fedora-43 opensuse-leap-16
}

# img_catalog_aliases: "alias key" pairs, one a line.
img_catalog_aliases() {
  printf '%s\n' 'ubuntu ubuntu-24.04' 'debian debian-13' 'rocky rocky-9' \
    'almalinux almalinux-9' 'alma almalinux-9' 'centos centos-stream-10' 'centos-stream centos-stream-10' \
    'fedora fedora-43' 'opensuse opensuse-leap-16' 'leap opensuse-leap-16'
}

# img_catalog_resolve NAME: the catalog key for a key or an alias (case-insensitive) on stdout;
# 1 when unknown.
img_catalog_resolve() {
  local name="${1,,}" k a
  while IFS= read -r k; do
    [[ "$name" == "$k" ]] && {
      printf '%s\n' "$k"
      return 0
    }
  done < <(img_catalog_keys)
  while read -r a k; do
    [[ "$name" == "$a" ]] && {
      printf '%s\n' "$k"
      return 0
    }
  done < <(img_catalog_aliases)
  return 1
}

# img_catalog KEY: set IMG[key], IMG[url], IMG[sums_url], IMG[sums_algo] (sha256|sha512), IMG[file]
# (the name as listed in the checksum file; unique per key, also the cache file name),
# IMG[default_user], IMG[agent] (1: the image ships qemu-guest-agent) and IMG[cpu_level] (the x86-64
# level the OS needs beyond the bundle's default x86-64-v2-AES, else empty) for a catalog key or
# alias; 1 for an unknown key (globals untouched).
# shellcheck disable=SC2034 # the IMG record is this function's output (read by steps/image.sh)
img_catalog() {
  local key base sums user agent=0 level=""
  key="$(img_catalog_resolve "${1-}")" || return 1
  case "$key" in
    ubuntu-* | debian-*) img_catalog_deb "$key" || return 1 ;;
    *) img_catalog_rpm "$key" || return 1 ;;
  esac
  case "$key" in rocky-10 | almalinux-10 | centos-stream-10) level=x86-64-v3 ;; esac
  IMG[sums_algo]=sha256
  [[ "$sums" == SHA512SUMS ]] && IMG[sums_algo]=sha512
  IMG[key]="$key" IMG[url]="${base}/${IMG[file]}" IMG[sums_url]="${base}/${sums}"
  IMG[default_user]="$user" IMG[agent]="$agent" IMG[cpu_level]="$level"
}

# img_catalog_deb KEY: for img_catalog, the Ubuntu and Debian keys: IMG[file] and img_catalog's
# base (the image directory), sums (the checksum file's name) and user.
img_catalog_deb() {
  local code n
  case "$1" in
    ubuntu-*)
      case "$1" in
        ubuntu-26.04) code=resolute ;;
        ubuntu-24.04) code=noble ;;
        ubuntu-22.04) code=jammy ;;
      esac
      base="https://cloud-images.ubuntu.com/${code}/current"
      IMG[file]="${code}-server-cloudimg-amd64.img" sums=SHA256SUMS user=ubuntu
      ;;
    debian-*)
      n="${1#debian-}"
      case "$n" in
        12) code=bookworm ;;
        13) code=trixie ;;
      esac
      base="https://cloud.debian.org/images/cloud/${code}/latest"
      IMG[file]="debian-${n}-genericcloud-amd64.qcow2" sums=SHA512SUMS user=debian
      ;;
  esac
}

# img_catalog_rpm KEY: for img_catalog, the Rocky, AlmaLinux, CentOS Stream, Fedora and openSUSE
# keys: IMG[file] and img_catalog's base, sums, user and agent; 1 for another key (nothing set).
img_catalog_rpm() {
  local n
  case "$1" in
    rocky-*)
      n="${1#rocky-}"
      base="https://dl.rockylinux.org/pub/rocky/${n}/images/x86_64"
      IMG[file]="Rocky-${n}-GenericCloud-Base.latest.x86_64.qcow2" sums="${IMG[file]}.CHECKSUM" user=rocky agent=1
      ;;
    almalinux-*)
      n="${1#almalinux-}"
      base="https://repo.almalinux.org/almalinux/${n}/cloud/x86_64/images"
      IMG[file]="AlmaLinux-${n}-GenericCloud-latest.x86_64.qcow2" sums=CHECKSUM user=almalinux agent=1
      ;;
    centos-stream-10)
      base="https://cloud.centos.org/centos/10-stream/x86_64/images"
      IMG[file]="CentOS-Stream-GenericCloud-10-latest.x86_64.qcow2" sums="${IMG[file]}.SHA256SUM"
      user=cloud-user agent=1
      ;;
    fedora-43)
      # Fedora publishes no "latest" name: the compose (1.6) is part of both file names
      base="https://download.fedoraproject.org/pub/fedora/linux/releases/43/Cloud/x86_64/images"
      IMG[file]="Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2" sums="Fedora-Cloud-43-1.6-x86_64-CHECKSUM"
      user=fedora agent=1
      ;;
    opensuse-leap-16)
      base="https://download.opensuse.org/distribution/leap/16.0/appliances"
      IMG[file]="Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2" sums="${IMG[file]}.sha256" user=opensuse
      ;;
    *) return 1 ;;
  esac
}

# img_catalog_cpu KEY CPU: the --cpu model for a VM of catalog KEY when the bundle's choice is CPU:
# x86-64-v3 for an OS that needs it (the RHEL 10 family), unless CPU is `host` (PVE 7.4, which
# has no x86-64-vN models; the host CPU is then checked for the level instead). Else CPU.
img_catalog_cpu() {
  local -A IMG=() # img_catalog fills this copy, not the run's IMG
  img_catalog "$1" >/dev/null 2>&1 || true
  if [[ -n "${IMG[cpu_level]}" && "$2" != host ]]; then
    printf '%s\n' "${IMG[cpu_level]}"
  else
    printf '%s\n' "$2"
  fi
}

# img_custom_user URL: the login name for a custom --image-url without --user, from the image's
# file name: the distro's usual cloud user when the name says which distro, else `linus`.
# Proxmox's cloud-init `user:` renames the image's default user, so any name logs in.
img_custom_user() {
  local name="${1%%[?#]*}"
  name="${name##*/}"
  name="${name,,}"
  case "$name" in
    *ubuntu* | *resolute* | *noble* | *jammy* | *focal*) echo ubuntu ;;
    *debian* | *trixie* | *bookworm* | *bullseye*) echo debian ;;
    *rocky*) echo rocky ;;
    *alma*) echo almalinux ;;
    *centos*) echo cloud-user ;;
    *fedora*) echo fedora ;;
    *sles*) echo sles ;;
    *opensuse* | *leap* | *tumbleweed*) echo opensuse ;;
    *arch-linux* | *archlinux*) echo arch ;;
    *) echo linus ;;
  esac
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
      [[ "$rest" == "$name" && ${#hex} -eq $len ]] && {
        printf '%s\n' "${hex,,}"
        return 0
      }
    elif [[ "$line" =~ ^([A-Za-z0-9-]+)\ \((.+)\)\ =\ ([0-9A-Fa-f]+)$ ]]; then
      tag="${BASH_REMATCH[1]}" rest="${BASH_REMATCH[2]}" hex="${BASH_REMATCH[3]}"
      tag="${tag,,}"
      tag="${tag//-/}"
      [[ "$tag" == "$algo" && "$rest" == "$name" && ${#hex} -eq $len ]] &&
        {
          printf '%s\n' "${hex,,}"
          return 0
        }
    fi
  done <"$file"
  return 1
}

# img_os_label: the catalog key, or "custom" for --image-url (also the VM's os-KEY tag).
img_os_label() {
  if [[ -n "$CFG_IMAGE_URL" ]]; then echo custom; else echo "$CFG_OS"; fi
}
