# shellcheck shell=bash
# Action --help: the usage text on stderr, SUCCESS on stdout. The options' lines come from
# the option table (lib-sh/options.sh).
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
  start VMID | --name NAME
                       start a VM this tool made; one that runs already: LINUS_CHANGED:0
  stop VMID | --name NAME [--timeout S]
                       shut it down gracefully (guest agent or ACPI, up to S seconds, default
                       60), then force it off; LINUS_STOP_MODE: graceful, forced or none
  reboot VMID | --name NAME
                       reboot a running VM this tool made (a stopped one: exit 1)
  snapshot VMID NAME | --name VM NAME
                       snapshot its disks and config as NAME (2-40 letters, digits, _); a name
                       it has: exit 7; a storage without snapshots (LVM thick, raw on dir): exit 4
  rollback VMID NAME | --name VM NAME
                       back to snapshot NAME; a VM that ran runs again, a stopped one stays off
  snapshots VMID | --name NAME
                       its snapshots, oldest first: one LINUS_SNAPSHOT line each, "snapshots" in
                       LINUS_JSON. These six act only on VMs with the tag linus, on any node
  --help, --version

Options of provision (env var in brackets; the flag wins):
USAGE
  opt_usage
  cat <<'USAGE'

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
