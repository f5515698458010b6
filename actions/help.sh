# shellcheck shell=bash
# Action --help: the usage text on stderr, SUCCESS on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/options.sh"

act_usage_text() {
  cat <<'USAGE'
Usage: bash linus-provision-proxmox.sh [ACTION] [OPTIONS]
Provision one VM on this Proxmox VE 7.4/8.x/9.x host (run as root). Progress goes to stderr;
stdout carries only LINUS_KEY:value protocol lines, LINUS_JSON:{...} last.

Actions:
  provision            create, configure, start and verify one VM (the default)
  preflight            check the host and the settings; change nothing
  destroy VMID | --name NAME
                       stop and destroy a VM this tool made (tag linus), with its disks, on any
                       node; an absent VM is success. Refused with exit 1, nothing changed: a
                       guest without the tag linus, a container, a template that clones still use
  status VMID | --name NAME
                       state, node, name, tags and IP of one VM (cluster-wide); unknown: exit 1
  list                 the VMs tagged linus, cluster-wide: LINUS_COUNT, one LINUS_VM line each,
                       LINUS_JSON with them as "vms"
  wait JOB [--timeout S]
                       the final lines and exit code of a provision --detach job, waiting up to
                       S seconds (default 600; 0: look once); still running: LINUS_RESULT:RUNNING,
                       LINUS_JOB, LINUS_STEP and exit 0; a job that died without a result: exit
                       5; an unknown or malformed JOB: exit 1. Jobs: $LINUS_STATE_DIR/jobs/ (700)
  --help, --version

Options of provision (env var in brackets; the flag wins):
  --name NAME          [VM_NAME] DNS name; default linus-vm-<vmid>
  --cores N            [VM_CPU] default 2
  --memory MiB         [VM_RAM] default 2048; 8G, 8GB, 8192M, 8192MB accepted; at most the
                       node's memory (above its free memory: a warning)
  --disk GiB           [VM_DISK] default 20; 50G, 50GB, 1T, 1TB accepted
                       Units are binary, any case: GB = GiB, MB = MiB, TB = TiB (as Proxmox
                       counts); whole numbers only (8.5G: write 8704M)
  --os KEY             [VM_OS] ubuntu-24.04 (default), ubuntu-22.04, ubuntu-26.04 (user ubuntu),
                       debian-13, debian-12 (debian), rocky-9, rocky-10 (rocky), almalinux-9,
                       almalinux-10 (almalinux), centos-stream-10 (cloud-user), fedora-43 (fedora),
                       opensuse-leap-16 (opensuse). Guest agent in the image: the RHEL family and
                       Fedora; installed by cloud-init for the rest. rocky-10, almalinux-10 and
                       centos-stream-10 need an x86-64-v3 CPU (AVX2): --cpu x86-64-v3, checked.
                       Aliases: ubuntu, debian, rocky, alma(linux) (the 9s), centos, fedora,
                       opensuse, leap
  --image-url URL --image-sha256 HEX   [VM_IMAGE_URL, VM_IMAGE_SHA256] a custom cloud image
  --node NODE          [PROXMOX_NODE] default: this node
  --storage ID         [PROXMOX_STORAGE] default local-lvm
  --bridge BRIDGE      [PROXMOX_BRIDGE] default vmbr0
  --vlan TAG           [VM_VLAN] 1..4094
  --ip dhcp|A.B.C.D/NN [VM_IP] default dhcp; a static address needs --gateway [VM_GATEWAY];
                       one another guest holds or that answers on the bridge: exit 7
  --dns "IP,IP"        [VM_DNS] default: the host's resolvers
  --user NAME          [VM_SSH_USER] default per OS (above); for --image-url the distro its
                       file name says (ubuntu, debian, rocky, almalinux, cloud-user, fedora,
                       opensuse, sles, arch), else linus
  --ssh-key "KEY"      [SSH_PUBLIC_KEY] OpenSSH public key(s), one a line
  --ssh-key-file FILE  [SSH_PUBLIC_KEY_FILE]
  --vmid N             [VM_ID] default: the next free id
  --network-timeout S  [NETWORK_TIMEOUT] default 300
  --ssh-timeout S      [SSH_TIMEOUT] default 180
  --dry-run            [DRY_RUN=1] validate and print the plan; change nothing
  --keep-on-failure    [KEEP_ON_FAILURE=1] leave a failed VM for debugging
  --no-host-key        do not add this host root's key (the SSH check then only proves sshd answers)
  --password           also set a random password, kept only in a root-only file on this host
  --reuse-existing     a VM of this --name made by this tool exists: report it (the lines of a
                       success plus LINUS_REUSED:1) instead of failing with exit 7
  --detach             validate the options, start the provision in the background and answer
                       at once: LINUS_RESULT:STARTED, LINUS_JOB:<id>; then use: wait <id>
  --template-cache     [TEMPLATE_CACHE=1] clone a cached Proxmox template of the image (built on
                       first use per image checksum and storage) instead of importing it

Exit codes: 0 ok, 1 bad value, 2 missing tool, 3 missing setting, 4 host not ready,
5 Proxmox operation failed, 6 timeout (IP/SSH), 7 name conflict, 130 interrupted.
USAGE
}

act_help() {
  act_usage_text >&2
  res_reset
  res_set RESULT SUCCESS
  res_set ACTION help
  res_print
}
