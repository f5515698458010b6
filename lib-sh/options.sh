# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Options: env vars and flags into CFG_* (the flag wins), then every value checked (CONTRACT §2).
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/validation.sh"
source "$(dirname "${BASH_SOURCE[0]}")/catalog.sh"

# opt_defaults: CFG_* from the environment, else the defaults. The input env vars VM_ID and
# VM_IP are read and then unset: VM_ID/VM_IP are state globals from here on.
opt_defaults() {
  CFG_ACTION=provision CFG_TARGET=""
  CFG_NAME="${VM_NAME:-}"
  CFG_CORES="${VM_CPU:-2}"
  CFG_MEMORY="${VM_RAM:-2048}"
  CFG_DISK="${VM_DISK:-20}"
  CFG_OS="${VM_OS:-ubuntu-24.04}"
  CFG_IMAGE_URL="${VM_IMAGE_URL:-}"
  CFG_IMAGE_SHA256="${VM_IMAGE_SHA256:-}"
  CFG_NODE="${PROXMOX_NODE:-}"
  CFG_STORAGE="${PROXMOX_STORAGE:-local-lvm}"
  CFG_BRIDGE="${PROXMOX_BRIDGE:-vmbr0}"
  CFG_VLAN="${VM_VLAN:-}"
  CFG_IP="${VM_IP:-dhcp}"
  CFG_GATEWAY="${VM_GATEWAY:-}"
  CFG_DNS="${VM_DNS:-}"
  CFG_USER="${VM_SSH_USER:-}"
  CFG_SSH_KEYS="${SSH_PUBLIC_KEY:-}"
  CFG_SSH_KEY_FILE="${SSH_PUBLIC_KEY_FILE:-}"
  CFG_VMID="${VM_ID:-}"
  CFG_NETWORK_TIMEOUT="${NETWORK_TIMEOUT:-300}"
  CFG_SSH_TIMEOUT="${SSH_TIMEOUT:-180}"
  CFG_DRY_RUN="$(opt_bool "${DRY_RUN:-0}" DRY_RUN)"
  CFG_KEEP_ON_FAILURE="$(opt_bool "${KEEP_ON_FAILURE:-0}" KEEP_ON_FAILURE)"
  CFG_TEMPLATE_CACHE="$(opt_bool "${TEMPLATE_CACHE:-0}" TEMPLATE_CACHE)"
  # shellcheck disable=SC2034 # --reuse-existing and --timeout come with the next actions
  CFG_NO_HOST_KEY=0 CFG_REUSE_EXISTING=0 CFG_DETACH=0 CFG_PASSWORD=0
  CFG_TIMEOUT="${LINUS_WAIT_TIMEOUT:-600}"
  # the settings given (flag or env var), not defaulted: --reuse-existing compares only these
  CFG_GIVEN=" ${VM_CPU:+cores }${VM_RAM:+memory }${VM_OS:+os }${VM_IMAGE_URL:+image-url }"
  unset VM_ID VM_IP
}

# opt_bool VALUE NAME: 1 for 1/yes/true/on, 0 for 0/no/false/off/empty (any case); anything else
# is a bad value (DRY_RUN=maybe must not run for real).
opt_bool() {
  case "${1,,}" in
    1 | yes | true | on) echo 1 ;;
    0 | no | false | off | "") echo 0 ;;
    *) linus_fail 1 "${2:-a switch} must be 1 or 0 (yes/no, true/false, on/off), not '${1}'" "set ${2:-it} to 1 or 0, or leave it unset" ;;
  esac
}

# opt_parse ARGS...: the action, its target and the flags.
opt_parse() {
  local a v
  opt_defaults
  if [[ $# -gt 0 && "$1" != -* ]]; then
    CFG_ACTION="$1"
    shift
  fi
  while [[ $# -gt 0 ]]; do
    a="$1"
    shift
    v=""
    if [[ "$a" == --*=* ]]; then
      v="${a#*=}" a="${a%%=*}"
      set -- "$v" "$@"
    fi
    case "$a" in
      --help | -h) CFG_ACTION=help ;;
      --version) CFG_ACTION=version ;;
      --dry-run) CFG_DRY_RUN=1 ;;
      --keep-on-failure) CFG_KEEP_ON_FAILURE=1 ;;
      --no-host-key) CFG_NO_HOST_KEY=1 ;;
      --reuse-existing) CFG_REUSE_EXISTING=1 ;;
      --detach) CFG_DETACH=1 ;;
      --password) CFG_PASSWORD=1 ;;
      --template-cache) CFG_TEMPLATE_CACHE=1 ;;
      --name | --cores | --memory | --disk | --os | --image-url | --image-sha256 | --node | \
        --storage | --bridge | --vlan | --ip | --gateway | --dns | --user | --ssh-key | \
        --ssh-key-file | --vmid | --network-timeout | --ssh-timeout | --timeout)
        [[ $# -gt 0 ]] || linus_fail 3 "option $a needs a value" "write $a VALUE (see --help)"
        opt_set "$a" "$1"
        shift
        ;;
      -*) linus_fail 1 "unknown option: $a" "see --help for the options" ;;
      *)
        if [[ -z "$CFG_TARGET" ]]; then
          CFG_TARGET="$a"
        else linus_fail 1 "unexpected argument: $a" "see --help for the usage"; fi
        ;;
    esac
  done
}

# opt_set FLAG VALUE
opt_set() {
  CFG_GIVEN+="${1#--} "
  case "$1" in
    --name) CFG_NAME="$2" ;;
    --cores) CFG_CORES="$2" ;;
    --memory) CFG_MEMORY="$2" ;;
    --disk) CFG_DISK="$2" ;;
    --os) CFG_OS="$2" ;;
    --image-url) CFG_IMAGE_URL="$2" ;;
    --image-sha256) CFG_IMAGE_SHA256="$2" ;;
    --node) CFG_NODE="$2" ;;
    --storage) CFG_STORAGE="$2" ;;
    --bridge) CFG_BRIDGE="$2" ;;
    --vlan) CFG_VLAN="$2" ;;
    --ip) CFG_IP="$2" ;;
    --gateway) CFG_GATEWAY="$2" ;;
    --dns) CFG_DNS="$2" ;;
    --user) CFG_USER="$2" ;;
    --ssh-key) CFG_SSH_KEYS="$2" ;;
    --ssh-key-file) CFG_SSH_KEY_FILE="$2" ;;
    --vmid) CFG_VMID="$2" ;;
    --network-timeout) CFG_NETWORK_TIMEOUT="$2" ;;
    --ssh-timeout) CFG_SSH_TIMEOUT="$2" ;;
    --timeout)
      CFG_TIMEOUT="$2"
      : "$CFG_TIMEOUT"
      ;;
  esac
}

# opt_check VALIDATOR VALUE FLAG [ARGS...]: run val_VALIDATOR; exit 1 with its reason when the
# value is bad. The normalised value is left in VAL_OUT.
opt_check() {
  local v="$1" value="$2" flag="$3"
  shift 3
  local shown=""
  VAL_OUT="$value"
  if ! "val_$v" "$value" "$@"; then
    # key text is never repeated (it could be a private key pasted by mistake), nor a URL's
    # query string (a signed URL's credential)
    [[ "$v" == ssh_keys || ${#value} -gt 200 || "$value" == *$'\n'* ]] || shown=" '$(val_url_shown "$value")'"
    linus_fail 1 "${flag}${shown}: ${VAL_ERR:-invalid value}" "see --help for the accepted values of ${flag}"
  fi
}

# chk_options: every option value per CONTRACT §2 (exit 1 bad value, 3 missing setting);
# normalises CFG_MEMORY (MiB), CFG_DISK (GiB), CFG_OS (catalog key), CFG_DNS, CFG_USER.
chk_options() {
  [[ -z "$CFG_NAME" ]] || opt_check name "$CFG_NAME" --name
  opt_check cores "$CFG_CORES" --cores && CFG_CORES="$VAL_OUT"
  opt_check memory "$CFG_MEMORY" --memory && CFG_MEMORY="$VAL_OUT"
  opt_check disk "$CFG_DISK" --disk && CFG_DISK="$VAL_OUT"
  if [[ -n "$CFG_IMAGE_URL" || -n "$CFG_IMAGE_SHA256" ]]; then
    [[ -n "$CFG_IMAGE_URL" ]] || linus_fail 3 "--image-sha256 was given without --image-url" "add --image-url URL, or drop --image-sha256"
    [[ -n "$CFG_IMAGE_SHA256" ]] || linus_fail 3 "--image-url needs --image-sha256 (an image is never used unverified)" "add --image-sha256 with the vendor's published sha256"
    opt_check image_url "$CFG_IMAGE_URL" --image-url
    [[ "$CFG_IMAGE_SHA256" =~ ^[0-9A-Fa-f]{64}$ ]] ||
      linus_fail 1 "--image-sha256 '${CFG_IMAGE_SHA256}': not a sha256 (64 hex digits)" "give the image's sha256 as published by its vendor"
    CFG_IMAGE_SHA256="${CFG_IMAGE_SHA256,,}"
  else
    opt_check os "$CFG_OS" --os && CFG_OS="$VAL_OUT"
  fi
  [[ -z "$CFG_NODE" ]] || opt_check node "$CFG_NODE" --node
  opt_check storage "$CFG_STORAGE" --storage
  opt_check bridge "$CFG_BRIDGE" --bridge
  [[ -z "$CFG_VLAN" ]] || { opt_check vlan "$CFG_VLAN" --vlan && CFG_VLAN="$VAL_OUT"; }
  chk_ip_options
  [[ -z "$CFG_VMID" ]] || { opt_check vmid "$CFG_VMID" --vmid && CFG_VMID="$VAL_OUT"; }
  opt_check timeout "$CFG_NETWORK_TIMEOUT" --network-timeout && CFG_NETWORK_TIMEOUT="$VAL_OUT"
  opt_check timeout "$CFG_SSH_TIMEOUT" --ssh-timeout && CFG_SSH_TIMEOUT="$VAL_OUT"
  chk_user_options
}

# chk_ip_options: --ip, --gateway (required with a static --ip, inside its subnet), --dns.
chk_ip_options() {
  if [[ "${CFG_IP,,}" == dhcp ]]; then
    CFG_IP=dhcp
    [[ -z "$CFG_GATEWAY" ]] || log_warn "--gateway is ignored with --ip dhcp"
  else
    opt_check ip_cidr "$CFG_IP" --ip
    [[ -n "$CFG_GATEWAY" ]] || linus_fail 3 "a static --ip ${CFG_IP} needs --gateway" "add --gateway A.B.C.D (an address inside ${CFG_IP}), or use --ip dhcp"
    opt_check gateway "$CFG_GATEWAY" --gateway "$CFG_IP"
  fi
  [[ -z "$CFG_DNS" ]] || { opt_check dns "$CFG_DNS" --dns && CFG_DNS="$VAL_OUT"; }
}

# chk_user_options: --user (default per OS), the SSH keys; someone must be able to log in.
chk_user_options() {
  if [[ -z "$CFG_USER" ]]; then
    if [[ -n "$CFG_IMAGE_URL" ]]; then
      CFG_USER="$(img_custom_user "$CFG_IMAGE_URL")" # the distro in the file name says which (lib-sh/catalog.sh)
    else
      img_catalog "$CFG_OS" && CFG_USER="${IMG[default_user]}"
    fi
  fi
  opt_check user "$CFG_USER" --user
  # check-options runs on the developer's machine: the key file is on the Proxmox host
  if [[ -n "$CFG_SSH_KEY_FILE" && "$CFG_ACTION" != check-options ]]; then
    [[ -r "$CFG_SSH_KEY_FILE" ]] || linus_fail 1 "--ssh-key-file '${CFG_SSH_KEY_FILE}' cannot be read" "give a readable file of OpenSSH public keys"
    opt_check ssh_keys "$(<"$CFG_SSH_KEY_FILE")" --ssh-key-file
  fi
  [[ -z "$CFG_SSH_KEYS" ]] || opt_check ssh_keys "$CFG_SSH_KEYS" --ssh-key
  if [[ "$CFG_NO_HOST_KEY" == 1 && -z "$CFG_SSH_KEYS$CFG_SSH_KEY_FILE" && "$CFG_PASSWORD" != 1 ]]; then
    linus_fail 3 "with --no-host-key and no --ssh-key nobody could log in to the VM" "add --ssh-key 'ssh-ed25519 AAAA...', --ssh-key-file FILE or --password"
  fi
}
