# shellcheck shell=bash
# shellcheck disable=SC2034 # the records are read by the files that source this one
# The pipeline's state: five records (associative arrays, keys lower-case: ${VM[ip]}), every key
# set to its empty value here so `set -u` never trips; beside each key: who sets it, who reads it.
# Helpers that only compute something return it on stdout or into a variable the caller names
# (act_find REC, img_fetch_cmd ARRAY): they do not write these records.
# Plain globals besides the records (one documented result each):
#   CFG_*             the options (lib-sh/options.sh; placement may pick CFG_NODE)
#   PVE_OUT PVE_ERR   the last Proxmox call's output and error (lib-sh/pve.sh)
#   PVE_CONFIG        the last VM config read (pve_config_get)
#   PVE_REMOTE_NODE   the node qm calls go to when it is not this one (checks-env.sh, vm.sh)
#   PVE_SSH_CMD       the ssh command to another node (lib-sh/pve-node.sh)
#   RESOURCES_JSON    the run's one /cluster/resources answer (pve_resources)
#   LINUS_RUN_DIR LINUS_STEP  the run's temp dir and current step (core.sh, logging.sh)
#   STEP_CHECKS PROVISION_STEPS  the checks of step validate, the steps of provision
# The input env vars VM_ID/VM_IP are not state: opt_defaults reads them into CFG_VMID/CFG_IP.

# state_reset: every record with all its keys empty. An environment variable of a record's name
# (CI=true on CI machines) is dropped first: it cannot become an associative array.
state_reset() {
  unset HOST IMG TPL CI VM
  state_reset_host
  state_reset_img
  state_reset_tpl_ci
  state_reset_vm
}

# state_reset_host: the record HOST (what the checks found on this host), every key empty.
state_reset_host() {
  declare -gA HOST=(
    [pve_version]=""      # checks-host.sh chk_version (pve.sh pve_version); read by validate, preflight
    [key]=""              # checks-host.sh chk_ssh_key: root's private key; read by steps ssh, output
    [key_pub]=""          # checks-host.sh chk_ssh_key: its .pub; read by cloudinit.sh (user keys)
    [storage_type]=""     # checks-env.sh chk_storage (plugin type); read by template.sh, preflight
    [storage_avail]=""    # checks-env.sh chk_storage (bytes free); read by chk_thin_room, preflight
    [snippet_storages]="" # checks-env.sh chk_storage (a,b,...); read by template.sh, preflight
    [snippet_store]=""    # checks-env.sh chk_pick_snippet_store, cloudinit.sh; read by network, output
    [snippet_shared]=""   # checks-env.sh chk_pick_snippet_store (1: shared); read by cloudinit.sh
    [vlan_mode]=""        # placement.sh (vlan-aware|ovs|bridge-vlan-device); read by step output
    [image_source]=""     # preflight.sh chk_source (the URL shown); read by preflight's summary
  )
}

# state_reset_img: the record IMG (the image of this run), every key empty.
state_reset_img() {
  declare -gA IMG=(
    [key]=""          # catalog.sh img_catalog (the --os key); read by checks-cpu.sh
    [url]=""          # img_catalog, step image (--image-url); read by steps image, output
    [sums_url]=""     # img_catalog, step image; read by step image, preflight chk_source
    [sums_algo]=""    # img_catalog, step image (sha256|sha512); read by step image
    [file]=""         # img_catalog, step image (the file name); read by step image
    [default_user]="" # img_catalog, step image; read by options.sh (--user default)
    [agent]=""        # img_catalog (1: ships qemu-guest-agent); read by the catalog tests
    [cpu_level]=""    # img_catalog (x86-64-v3 or empty); read by checks-cpu.sh
    [path]=""         # step image (the cached file); read by steps image, create, template.sh
    [src]=""          # step image (import-from: path or volid); read by step create, template.sh
    [expected]=""     # step image (the vendor checksum); read by template.sh (template name)
    [need_gib]=""     # step image (virtual size, GiB); read by template.sh (template tag)
    [skipped]=""      # step image (1: a template holds it); read by step template
    [reused]=""       # step image (1: the cached copy verified); read by step image
  )
}

# state_reset_tpl_ci: the records TPL (the template) and CI (the cloud-init snippets), every key
# empty.
state_reset_tpl_ci() {
  declare -gA TPL=(
    [id]=""     # template.sh tpl_find/tpl_build, step template; read by steps create, image
    [name]=""   # template.sh tpl_name; read by step template
    [need]=""   # template.sh tpl_find (GiB the image needs); read by template.sh tpl_ready
    [vendor]="" # template.sh tpl_find/tpl_build (its snippet storage); read by step create
  )
  declare -gA CI=(
    [from_template]="" # template.sh (1: the clone uses its template's snippet); cloudinit, create
    [key_warning]=""   # cloudinit.sh ci_keys (only root's key); read by step output
    [shared_volid]=""  # cloudinit.sh (the templates' snippet); read by template.sh
    [snippet_volid]="" # cloudinit.sh ci_write_snippet (this VM's snippet); read by step create
  )
}

# state_reset_vm: the record VM (the VM of this run), every key empty.
state_reset_vm() {
  declare -gA VM=(
    [id]=""            # step create (also vm.sh act_vm_ip); read by steps start..output, core.sh
    [id_try]=""        # step create (the id being tried); read by cloudinit.sh
    [name]=""          # step create (the final name); read by step output
    [mac]=""           # step create (net0's MAC); read by network.sh, step output
    [ip]=""            # step network (network.sh); read by steps ssh, output
    [ip_source]=""     # step network (static|agent|neighbour); read by step output
    [reused]=""        # step reuse (1: an existing VM was reported); read by actions/provision.sh
    [password_file]="" # cloudinit.sh ci_password; read by step output
    [host_key]=""      # step ssh (SHA256 fingerprint); read by step output
    [host_key_hex]=""  # step ssh (the same in hex); read by step output
    [ssh_check]=""     # step ssh (login|port); read by step output
    [known_hosts]=""   # step ssh (this VM's known_hosts file); read by step output
    [cloud_init]=""    # step ssh (done|degraded|error|unknown); read by step output
  )
}
# (once: sourced again from the source tree, the run's records stay)
[[ "$(declare -p VM 2>/dev/null)" == "declare -A"* ]] || state_reset

# STATE_CARRY: what a check run in a subshell (actions/preflight.sh) hands back to the run, besides
# the CFG_* options: the records and the Proxmox layer's caches.
STATE_CARRY=(HOST IMG TPL CI VM PVE_REMOTE_NODE PVE_MAJOR PVE_MINOR PVE_NET_JSON PVE_NET_NODE
  RESOURCES_JSON LINUS_WARNINGS)
