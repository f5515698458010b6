# shellcheck shell=bash
# shellcheck disable=SC2034 # PVE_VERSION/HOST_KEY* set here are read by the steps that follow
# Host checks chk_root, chk_tools, chk_version, chk_hostkey (the validate step and preflight run
# them with the other checks of STEP_CHECKS).
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"

chk_root() {
  if [[ "${LINUS_TEST_EUID:-$EUID}" != 0 ]]; then
    linus_fail 4 "not running as root" "run it as root on the Proxmox host (sudo bash $0 ...)"
  fi
}

# chk_tools: the tools this script needs (exit 2 naming the missing ones).
chk_tools() {
  local t missing=() pve_missing=()
  for t in qm pvesh pvesm pveversion qemu-img; do
    type -P "$t" >/dev/null 2>&1 || pve_missing+=("$t") # a file: qm is also a function (lib-sh/pve-node.sh)
  done
  if ((${#pve_missing[@]})); then
    linus_fail 2 "missing Proxmox tools: ${pve_missing[*]}" \
      "run this on a Proxmox VE 7.4+ host (these come with pve-manager and qemu-server)"
  fi
  for t in perl flock timeout mktemp sha256sum sha512sum ip ssh ssh-keyscan ssh-keygen; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  if ! command -v curl >/dev/null 2>&1 && ! command -v wget >/dev/null 2>&1; then
    missing+=("curl")
  fi
  if ((${#missing[@]})); then
    linus_fail 2 "missing tools: ${missing[*]}" \
      "install them: apt-get install -y $(chk_pkg_names "${missing[@]}")"
  fi
  if ! perl -MJSON::PP -e 1 >/dev/null 2>&1; then
    linus_fail 2 "perl has no JSON::PP module" "apt-get install -y perl (JSON::PP is a core module)"
  fi
}

# chk_pkg_names TOOL...: the Debian packages that hold these tools.
chk_pkg_names() {
  local t pkgs=()
  for t in "$@"; do
    case "$t" in
      ssh | ssh-keyscan | ssh-keygen) pkgs+=(openssh-client) ;;
      flock) pkgs+=(util-linux) ;;
      ip) pkgs+=(iproute2) ;;
      perl) pkgs+=(perl) ;;
      curl) pkgs+=(curl) ;;
      *) pkgs+=(coreutils) ;;
    esac
  done
  printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# chk_version: PVE 7.4 or later.
chk_version() {
  if ! pve_version; then
    linus_fail 4 "cannot read the Proxmox VE version from pveversion" \
      "check that pve-manager is installed and working (pveversion -v)"
  fi
  if ((PVE_MAJOR < 7 || (PVE_MAJOR == 7 && PVE_MINOR < 4))); then
    linus_fail 4 "Proxmox VE ${HOST[pve_version]} is too old; 7.4 or later is needed" \
      "upgrade the host to Proxmox VE 7.4, 8.x or 9.x"
  fi
}

# chk_hostkey: the host root's public key (for the SSH login check), unless --no-host-key.
chk_hostkey() {
  local k
  HOST[key]="" HOST[key_pub]=""
  [[ "$CFG_NO_HOST_KEY" == 1 ]] && return 0
  for k in id_ed25519 id_rsa; do
    if [[ -r "$HOME/.ssh/$k.pub" && -r "$HOME/.ssh/$k" ]]; then
      HOST[key]="$HOME/.ssh/$k" HOST[key_pub]="$HOME/.ssh/$k.pub"
      return 0
    fi
  done
  linus_fail 4 "the host root has no SSH key ($HOME/.ssh/id_ed25519 or id_rsa) to verify the login" \
    "create one: ssh-keygen -t ed25519 -N '' -f $HOME/.ssh/id_ed25519 (or pass --no-host-key)"
}
