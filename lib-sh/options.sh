# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Options: env vars and flags into CFG_* (the flag wins), then every value checked (CONTRACT §2).
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/validation.sh"
source "$(dirname "${BASH_SOURCE[0]}")/catalog.sh"

# The option table, one option a line; opt_load reads it once into OPT_* (by FLAG):
#   FLAG   --flag, or a word of the command line (ACTION; VMID: the target of destroy/status)
#   META   its value in the usage; - a switch (the flag sets 1, its env var is read as one);
#          =WORD: the flag sets WORD
#   ENV    the environment variable of its default (- none)    CFG  the global it sets
#   DEF    its default (- empty)
#   CHECK  NAME: val_NAME checks the value; ?NAME: only when it is not empty; NAME=: the normalised
#          value is kept; :FUNC: opt_FUNC checks it with others; - no check
#   SETS   the checks that check it (opt_validate SET): provision (provision, preflight,
#          check-options, --detach), target (destroy, status, the lifecycle actions), wait, stop,
#          snapshot (snapshot, rollback); - none
#   MARKS  g: counted in CFG_GIVEN (--reuse-existing compares only these); u: the env var is an
#          input only, unset once read; - none
#   HELP   its usage line (- none, empty: the "+" lines only); a line "+ TEXT" continues it
opt_load() {
  local line f=""
  local re='^([^ ]+) +([^ ]+) +([^ ]+) +([^ ]+) +([^ ]+) +([^ ]+) +([^ ]+) +([^ ]+) *(.*)$'
  [[ -z "${OPT_FLAGS+x}" ]] || return 0
  OPT_FLAGS=()
  declare -gA OPT_META=() OPT_ENV=() OPT_CFG=() OPT_DEF=() OPT_CHECK=() OPT_SETS=() OPT_MARKS=()
  declare -gA OPT_HELP=()
  while IFS= read -r line; do
    if [[ "$line" == "+ "* ]]; then
      OPT_HELP[$f]+="${OPT_HELP[$f]:+$'\n'}${line#+ }"
      continue
    fi
    [[ "$line" =~ $re ]] || linus_fail 5 "bad row of the option table: ${line}" "report this bug"
    f="${BASH_REMATCH[1]}"
    OPT_FLAGS+=("$f")
    OPT_META[$f]="${BASH_REMATCH[2]}" OPT_ENV[$f]="${BASH_REMATCH[3]}" OPT_CFG[$f]="${BASH_REMATCH[4]}"
    OPT_DEF[$f]="${BASH_REMATCH[5]#-}" OPT_CHECK[$f]="${BASH_REMATCH[6]}" OPT_SETS[$f]="${BASH_REMATCH[7]}"
    OPT_MARKS[$f]="${BASH_REMATCH[8]}" OPT_HELP[$f]="${BASH_REMATCH[9]}"
  done <<'TABLE'
ACTION   -    -  CFG_ACTION  provision  -  -  -  -
VMID     -    -  CFG_TARGET  -  ?vmid=  target  -  -
--help   =help  -  CFG_ACTION  -  -  -  -  -
-h       =help  -  CFG_ACTION  -  -  -  -  -
--version  =version  -  CFG_ACTION  -  -  -  -  -
--name   NAME VM_NAME  CFG_NAME  -  ?name  provision,target  -  DNS name; default linus-vm-<vmid>
--cores  N  VM_CPU  CFG_CORES  2  cores=  provision  g  default 2
--memory  MiB  VM_RAM  CFG_MEMORY  2048  memory=  provision  g
+ default 2048; 8G, 8GB, 8192M, 8192MB accepted; at most the
+ node's memory (above its free memory: a warning)
--disk   GiB  VM_DISK  CFG_DISK  20  disk=  provision  -  default 20; 50G, 50GB, 1T, 1TB accepted
+ Units are binary, any case: GB = GiB, MB = MiB, TB = TiB (as Proxmox
+ counts); whole numbers only (8.5G: write 8704M)
--os     KEY  VM_OS  CFG_OS  ubuntu-24.04  :image  provision  g
+ ubuntu-24.04 (default), ubuntu-22.04, ubuntu-26.04 (user ubuntu),
+ debian-13, debian-12 (debian), rocky-9, rocky-10 (rocky), almalinux-9,
+ almalinux-10 (almalinux), centos-stream-10 (cloud-user), fedora-43 (fedora),
+ opensuse-leap-16 (opensuse). Guest agent in the image: the RHEL family and
+ Fedora; installed by cloud-init for the rest. rocky-10, almalinux-10 and
+ centos-stream-10 need an x86-64-v3 CPU (AVX2): --cpu x86-64-v3, checked.
+ Aliases: ubuntu, debian, rocky, alma(linux) (the 9s), centos, fedora,
+ opensuse, leap
--image-url  URL  VM_IMAGE_URL  CFG_IMAGE_URL  -  -  -  g  a custom cloud image, with --image-sha256
--image-sha256  HEX  VM_IMAGE_SHA256  CFG_IMAGE_SHA256  -  -  -  -  its sha256, as the vendor publishes it
--node   NODE  PROXMOX_NODE  CFG_NODE  -  ?node  provision  -  default: this node
--storage  ID  PROXMOX_STORAGE  CFG_STORAGE  local-lvm  storage  provision  -  default local-lvm
--bridge  BRIDGE  PROXMOX_BRIDGE  CFG_BRIDGE  vmbr0  bridge  provision  -  default vmbr0
--vlan   TAG  VM_VLAN  CFG_VLAN  -  ?vlan=  provision  -  1..4094
--ip     dhcp|A.B.C.D/NN  VM_IP  CFG_IP  dhcp  :ip  provision  u
+ default dhcp; a static address needs --gateway [VM_GATEWAY];
+ one another guest holds or that answers on the bridge: exit 7
--gateway  A.B.C.D  VM_GATEWAY  CFG_GATEWAY  -  -  -  -  -
--dns    "IP,IP"  VM_DNS  CFG_DNS  -  ?dns=  provision  -  default: the host's resolvers
--vmid   N  VM_ID  CFG_VMID  -  ?vmid=  provision  u  default: the next free id
--network-timeout  S  NETWORK_TIMEOUT  CFG_NETWORK_TIMEOUT  300  timeout=  provision  -  default 300
--ssh-timeout  S  SSH_TIMEOUT  CFG_SSH_TIMEOUT  180  timeout=  provision  -  default 180
--user   NAME  VM_SSH_USER  CFG_USER  -  :user  provision  -
+ default per OS (above); for --image-url the distro its
+ file name says (ubuntu, debian, rocky, almalinux, cloud-user, fedora,
+ opensuse, sles, arch), else linus
--ssh-key  "KEY"  SSH_PUBLIC_KEY  CFG_SSH_KEYS  -  -  -  -  OpenSSH public key(s), one a line
--ssh-key-file  FILE  SSH_PUBLIC_KEY_FILE  CFG_SSH_KEY_FILE  -  -  -  -
--timeout  S  LINUS_WAIT_TIMEOUT  CFG_TIMEOUT  -  ?timeout0=  wait,stop  -  -
--snapshot  NAME  -  CFG_SNAPSHOT  -  snapname  snapshot  -  -
--dry-run  -  DRY_RUN  CFG_DRY_RUN  0  -  -  -  validate and print the plan; change nothing
--keep-on-failure  -  KEEP_ON_FAILURE  CFG_KEEP_ON_FAILURE  0  -  -  -  leave a failed VM for debugging
--no-host-key  -  -  CFG_NO_HOST_KEY  0  -  -  -
+ do not add this host root's key (the SSH check then only proves sshd answers)
--password  -  -  CFG_PASSWORD  0  -  -  -
+ also set a random password, kept only in a root-only file on this host
--reuse-existing  -  -  CFG_REUSE_EXISTING  0  -  -  -
+ a VM of this --name made by this tool exists: report it (the lines of a
+ success plus LINUS_REUSED:1) instead of failing with exit 7
--detach  -  -  CFG_DETACH  0  -  -  -
+ validate the options, start the provision in the background and answer
+ at once: LINUS_RESULT:STARTED, LINUS_JOB:<id>; then use: wait <id>
--template-cache  -  TEMPLATE_CACHE  CFG_TEMPLATE_CACHE  0  -  -  -
+ clone a cached Proxmox template of the image (built on
+ first use per image checksum and storage) instead of importing it
TABLE
}

# opt_defaults: CFG_* from the environment, else the defaults; CFG_GIVEN the g rows given by env.
# The u env vars (VM_ID, VM_IP) are read, then unset (the VM's own id and address are VM[id], VM[ip]).
opt_defaults() {
  local f e v
  opt_load
  OPT_FROZEN="" CFG_GIVEN=" "
  for f in "${OPT_FLAGS[@]}"; do
    [[ "${OPT_META[$f]}" != =* ]] || continue
    e="${OPT_ENV[$f]}" v="${OPT_DEF[$f]}"
    if [[ "$e" != - ]]; then
      [[ "${OPT_MARKS[$f]}" != *g* || -z "${!e:-}" ]] || CFG_GIVEN+="${f#--} "
      if [[ "${OPT_META[$f]}" == - ]]; then opt_bool v "${!e:-$v}" "$e"; else v="${!e:-$v}"; fi
      [[ "${OPT_MARKS[$f]}" != *u* ]] || unset "$e"
    fi
    printf -v "${OPT_CFG[$f]}" '%s' "$v"
  done
}

# opt_bool VAR VALUE NAME: VAR=1 for 1/yes/true/on, 0 for 0/no/false/off/empty (any case);
# anything else is a bad value (DRY_RUN=maybe must not run for real).
opt_bool() {
  case "${2,,}" in
    1 | yes | true | on) printf -v "$1" 1 ;;
    0 | no | false | off | "") printf -v "$1" 0 ;;
    *) linus_fail 1 "${3:-a switch} must be 1 or 0 (yes/no, true/false, on/off), not '${2}'" \
      "set ${3:-it} to 1 or 0, or leave it unset" ;;
  esac
}

# opt_parse ARGS...: the action, its target and the flags, by the table.
opt_parse() {
  local a
  opt_defaults
  if [[ $# -gt 0 && "$1" != -* ]]; then
    CFG_ACTION="$1"
    shift
  fi
  while [[ $# -gt 0 ]]; do
    a="$1"
    shift
    if [[ "$a" == --*=* ]]; then
      set -- "${a#*=}" "$@"
      a="${a%%=*}"
    fi
    if [[ "$a" != -* ]]; then
      opt_word "$a"
    elif opt_flag "$a" "$@"; then
      shift
    fi
  done
}

# opt_word WORD: a word of the command line after the action: its target (VMID, JOB), then for
# snapshot and rollback the snapshot's name (`snapshot --name web1 NAME`: the one word is NAME).
opt_word() {
  if [[ "$CFG_ACTION" =~ ^(snapshot|rollback)$ && -z "$CFG_SNAPSHOT" ]] &&
    [[ -n "$CFG_TARGET" || -n "$CFG_NAME" ]]; then
    CFG_SNAPSHOT="$1"
    return 0
  fi
  [[ -z "$CFG_TARGET" ]] || linus_fail 1 "unexpected argument: $1" "see --help for the usage"
  CFG_TARGET="$1"
}

# opt_flag FLAG [NEXT...]: set the option of FLAG; 0 when it took NEXT as its value.
opt_flag() {
  local m="${OPT_META[$1]:-}"
  case "$m" in
    "") linus_fail 1 "unknown option: $1" "see --help for the options" ;;
    -) printf -v "${OPT_CFG[$1]}" 1 ;;
    =*) printf -v "${OPT_CFG[$1]}" '%s' "${m#=}" ;;
    *)
      [[ $# -gt 1 ]] || linus_fail 3 "option $1 needs a value" "write $1 VALUE (see --help)"
      [[ "${OPT_MARKS[$1]}" != *g* ]] || CFG_GIVEN+="${1#--} "
      printf -v "${OPT_CFG[$1]}" '%s' "$2"
      return 0
      ;;
  esac
  return 1
}

# opt_set CFG_NAME VALUE: the one way to change an option's value from outside this file, while
# the values are resolved (the local node for an empty --node, the node --node auto picked).
# Refused (exit 5) once opt_freeze has run, and for a name that is no option.
opt_set() {
  local f
  for f in "${OPT_FLAGS[@]}"; do
    [[ "${OPT_CFG[$f]}" != "$1" ]] && continue
    [[ -z "${OPT_FROZEN:-}" ]] ||
      linus_fail 5 "internal error: ${1} changed after the options were validated" "report this bug with the stderr log"
    printf -v "$1" '%s' "$2"
    return 0
  done
  linus_fail 5 "internal error: opt_set of ${1}, which is no option" "report this bug with the stderr log"
}

# opt_freeze: the validation is over; every CFG_* is readonly from here on (a write fails loudly).
opt_freeze() {
  OPT_FROZEN=1
  readonly CFG_GIVEN "${OPT_CFG[@]}"
}

# opt_validate SET: check the values of the rows of SET (see the table), in the table's order;
# a bad one ends the run (exit 1, or 3 for a missing setting).
opt_validate() {
  local f k c
  for f in "${OPT_FLAGS[@]}"; do
    [[ ",${OPT_SETS[$f]}," == *",$1,"* ]] || continue
    k="${OPT_CHECK[$f]}" c="${OPT_CFG[$f]}"
    case "$k" in
      :*) "opt_${k#:}" ;;
      \?*) [[ -z "${!c}" ]] || opt_check_cfg "${k#\?}" "$c" "$f" ;;
      *) opt_check_cfg "$k" "$c" "$f" ;;
    esac
  done
}

# opt_check_cfg CHECK CFG FLAG: val_CHECK on the value of CFG; CHECK= keeps the normalised value.
opt_check_cfg() {
  opt_check "${1%=}" "${!2}" "$3"
  [[ "$1" != *= ]] || printf -v "$2" '%s' "$VAL_OUT"
}

# opt_usage: the usage lines of the table's options (those with help), [ENV] before the help.
opt_usage() {
  local f label env help
  opt_load
  for f in "${OPT_FLAGS[@]}"; do
    help="${OPT_HELP[$f]}"
    [[ "$help" != - ]] || continue
    label="$f" env=""
    [[ "${OPT_META[$f]}" == - ]] || label+=" ${OPT_META[$f]}"
    [[ "${OPT_ENV[$f]}" == - ]] || env="[${OPT_ENV[$f]}]"
    [[ -z "$env" || "${OPT_META[$f]}" != - ]] || env="${env%]}=1]"
    [[ -z "$env" || -z "$help" ]] || env+=" "
    help="${env}${help//$'\n'/$'\n'                       }"
    printf '  %-20s %s\n' "$label" "$help"
  done
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

# chk_options: every option value of a provision (exit 1 bad value, 3 missing setting);
# normalises CFG_MEMORY (MiB), CFG_DISK (GiB), CFG_OS (catalog key), CFG_DNS, CFG_USER.
chk_options() {
  opt_validate provision
}

# opt_image: --image-url with --image-sha256 (both or neither), else --os.
opt_image() {
  if [[ -n "$CFG_IMAGE_URL" || -n "$CFG_IMAGE_SHA256" ]]; then
    [[ -n "$CFG_IMAGE_URL" ]] || linus_fail 3 "--image-sha256 was given without --image-url" \
      "add --image-url URL, or drop --image-sha256"
    [[ -n "$CFG_IMAGE_SHA256" ]] ||
      linus_fail 3 "--image-url needs --image-sha256 (an image is never used unverified)" \
        "add --image-sha256 with the vendor's published sha256"
    opt_check image_url "$CFG_IMAGE_URL" --image-url
    [[ "$CFG_IMAGE_SHA256" =~ ^[0-9A-Fa-f]{64}$ ]] ||
      linus_fail 1 "--image-sha256 '${CFG_IMAGE_SHA256}': not a sha256 (64 hex digits)" \
        "give the image's sha256 as published by its vendor"
    CFG_IMAGE_SHA256="${CFG_IMAGE_SHA256,,}"
  else
    opt_check_cfg os= CFG_OS --os
  fi
}

# opt_ip: --ip, --gateway (required with a static --ip, inside its subnet).
opt_ip() {
  if [[ "${CFG_IP,,}" == dhcp ]]; then
    CFG_IP=dhcp
    [[ -z "$CFG_GATEWAY" ]] || log_warn "--gateway is ignored with --ip dhcp"
  else
    opt_check ip_cidr "$CFG_IP" --ip
    [[ -n "$CFG_GATEWAY" ]] || linus_fail 3 "a static --ip ${CFG_IP} needs --gateway" \
      "add --gateway A.B.C.D (an address inside ${CFG_IP}), or use --ip dhcp"
    opt_check gateway "$CFG_GATEWAY" --gateway "$CFG_IP"
  fi
}

# opt_user: --user (default per OS), the SSH keys; someone must be able to log in.
opt_user() {
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
    [[ -r "$CFG_SSH_KEY_FILE" ]] || linus_fail 1 "--ssh-key-file '${CFG_SSH_KEY_FILE}' cannot be read" \
      "give a readable file of OpenSSH public keys"
    opt_check ssh_keys "$(<"$CFG_SSH_KEY_FILE")" --ssh-key-file
  fi
  [[ -z "$CFG_SSH_KEYS" ]] || opt_check ssh_keys "$CFG_SSH_KEYS" --ssh-key
  if [[ "$CFG_NO_HOST_KEY" == 1 && -z "$CFG_SSH_KEYS$CFG_SSH_KEY_FILE" && "$CFG_PASSWORD" != 1 ]]; then
    linus_fail 3 "with --no-host-key and no --ssh-key nobody could log in to the VM" \
      "add --ssh-key 'ssh-ed25519 AAAA...', --ssh-key-file FILE or --password"
  fi
}
