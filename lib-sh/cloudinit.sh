# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Cloud-init: the cloud-init settings of the VM (ci_args), the SSH keys file, the vendor
# snippet that installs qemu-guest-agent, and the optional password (set with `qm set`, where
# PVE hashes it).
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"

CI_VENDOR_YAML='#cloud-config
# written by linus-provision: the guest agent lets Proxmox report the VM IP address
packages:
  - qemu-guest-agent
runcmd:
  - [systemctl, enable, --now, qemu-guest-agent]
'
CI_SHARED_NAME=linus-agent-vendor.yaml

# ci_keys_file: the user's keys plus the host root's public key, in a private temp file
# (CI_KEYS_FILE; empty when there are no keys at all). CI_KEY_WARNING (also logged) when the host
# root's key is the only one: then nobody but root on this host can log in to the VM.
ci_keys_file() {
  local text="" root_blobs=""
  CI_KEYS_FILE="" CI[key_warning]=""
  [[ -n "$CFG_SSH_KEYS" ]] && text+="${CFG_SSH_KEYS}"$'\n'
  [[ -n "$CFG_SSH_KEY_FILE" ]] && text+="$(<"$CFG_SSH_KEY_FILE")"$'\n'
  [[ -n "${HOST[key_pub]:-}" ]] && text+="$(<"${HOST[key_pub]}")"$'\n'
  text="$(printf '%s' "$text" | sed -e 's/\r$//' -e '/^[[:space:]]*$/d' -e '/^#/d' | awk '!seen[$0]++')"
  [[ -n "$text" ]] || return 0
  [[ -n "${HOST[key_pub]:-}" ]] && root_blobs="$(ci_key_blobs "$(<"${HOST[key_pub]}")")"
  if [[ -n "$root_blobs" ]] && ! ci_key_blobs "$text" | grep -qvxF -- "$root_blobs"; then
    CI[key_warning]="the VM accepts only the SSH key of root on the Proxmox host"
    CI[key_warning]+=" ($(res_safe_path "${HOST[key_pub]}")), not yours"
    CI[key_warning]+="; pass your public key with --ssh-key 'ssh-ed25519 AAAA... you@laptop' or --ssh-key-file"
    CI[key_warning]+=", or build the command with linus provision-cmd, which adds your key"
    log_warn "${CI[key_warning]}"
  fi
  CI_KEYS_FILE="$LINUS_RUN_DIR/sshkeys.pub"
  rb_add tmp "$CI_KEYS_FILE"
  (umask 077 && printf '%s\n' "$text" >"$CI_KEYS_FILE")
}

# ci_key_blobs TEXT: the base64 key of each authorized_keys line of TEXT, one a line (the
# comment and any options left out).
ci_key_blobs() {
  printf '%s\n' "$1" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^AAAA[A-Za-z0-9+\/]+=*$/) { print $i; break } }'
}

# ci_snippet_dir: the directory of the snippets storage (pvesm path), in CI_SNIPPET_DIR; asked
# once a run per storage.
ci_snippet_dir() {
  local p
  [[ -n "${CI_SNIPPET_DIR:-}" && "${CI_SNIPPET_DIR_OF:-}" == "${HOST[snippet_store]:-}" ]] && return 0
  CI_SNIPPET_DIR="" CI_SNIPPET_DIR_OF="${HOST[snippet_store]:-}"
  [[ -n "${HOST[snippet_store]:-}" ]] || return 0
  if ! p="$(pvesm path "${HOST[snippet_store]}:snippets/linus-probe.yaml" 2>/dev/null)" || [[ "$p" != /* ]]; then
    log_warn "cannot resolve the snippets path of storage '${HOST[snippet_store]}'; going on without the guest agent"
    HOST[snippet_store]=""
    return 0
  fi
  CI_SNIPPET_DIR="${p%/*}"
}

# ci_write_snippet VMID: the vendor snippet for this VM, journaled; CI_SNIPPET_VOLID names it.
ci_write_snippet() {
  local name="linus-$1-vendor.yaml"
  CI[snippet_volid]="" CI_SNIPPET_FILE=""
  # (a clone may use its template's snippet)
  [[ -n "${CI_SNIPPET_DIR:-}" && "${CI[from_template]:-0}" != 1 ]] || return 0
  CI[snippet_volid]="${HOST[snippet_store]}:snippets/${name}"
  CI_SNIPPET_FILE="${CI_SNIPPET_DIR}/${name}"
  if [[ "$CFG_DRY_RUN" == 1 ]]; then
    log_info "would write the guest-agent vendor snippet ${CI_SNIPPET_FILE}"
    return 0
  fi
  ci_place "$CI_SNIPPET_FILE" journal
  CI_SNIPPET_PLACED="$CI_PLACED"
}

# ci_place FILE journal|new|keep: the vendor snippet text into FILE of the snippets storage: on
# this node, or (a VM on another node, storage not shared) on that node over the cluster's root
# SSH, where PVE reads it at start. Written as temp + rename: runs may share a file. journal: it
# goes into the rollback journal; new: only when this run creates it (always on another node);
# keep: not. CI_PLACED names it as the journal does (PATH or NODE:PATH); CI_PLACED_NEW=1 when
# journaled.
ci_place() {
  local file="$1" mode="$2" node="" f
  [[ -n "${PVE_REMOTE_NODE:-}" && "${HOST[snippet_shared]:-0}" != 1 ]] && node="$PVE_REMOTE_NODE"
  CI_PLACED="${node:+${node}:}${file}" CI_PLACED_NEW=0
  if [[ -z "$node" ]]; then
    [[ "$mode" == keep || ("$mode" == new && -e "$file") ]] || { rb_add file "$file" && CI_PLACED_NEW=1; }
    mkdir -p "${file%/*}"
    printf '%s' "$CI_VENDOR_YAML" >"${file}.tmp.$$" && mv -f "${file}.tmp.$$" "$file"
    return 0
  fi
  [[ "$mode" == keep ]] || { rb_add nodefile "$CI_PLACED" && CI_PLACED_NEW=1; }
  f="$(printf '%q' "$file")"
  pve_ssh_cmd "$node"
  if ! "${PVE_SSH_CMD[@]}" mkdir -p "$(printf '%q' "${file%/*}")" </dev/null >&2 ||
    ! printf '%s' "$CI_VENDOR_YAML" | "${PVE_SSH_CMD[@]}" "cat > ${f}.tmp.\$\$ && mv -f ${f}.tmp.\$\$ ${f}" >&2; then
    linus_fail 4 "cannot write the vendor snippet on node ${node} over ssh" \
      "check ssh root@${node} from this node (pvecm updatecerts), or enable snippets on a shared storage"
  fi
  log_info "vendor snippet written on node ${node}: ${file}"
}

# ci_unplace NAME forget|remove: take a file ci_place wrote (CI_PLACED: PATH or NODE:PATH) out of
# the journal; remove: delete it too, there and now.
ci_unplace() {
  if [[ "$1" == /* ]]; then
    rb_forget file "$1"
    [[ "$2" == forget ]] || rm -f "$1"
  else
    rb_forget nodefile "$1"
    [[ "$2" == forget ]] || rb_undo_nodefile "$1" || log_warn "could not remove ${1#*:} on node ${1%%:*}"
  fi
}

# ci_write_shared journal|keep: the VM-independent vendor snippet (CI_SHARED_NAME) that templates
# carry (--template-cache, steps/template.sh), so their clones need neither a snippet path probe
# nor a snippet of their own. CI_SHARED_VOLID names it; 1 without snippets storage. Templates
# share it, so only a template build journals it (when it is new), and only until the template
# is finished (ci_shared_settle).
ci_write_shared() {
  CI[shared_volid]="" CI_SHARED_NEW=0
  ci_snippet_dir
  [[ -n "$CI_SNIPPET_DIR" ]] || return 1
  ci_place "${CI_SNIPPET_DIR}/${CI_SHARED_NAME}" "$([[ "$1" == journal ]] && echo new || echo keep)"
  CI_SHARED_FILE="$CI_PLACED" CI_SHARED_NEW="$CI_PLACED_NEW"
  CI[shared_volid]="${HOST[snippet_store]}:snippets/${CI_SHARED_NAME}"
}

# ci_shared_settle keep|drop: the template build is over. keep: the shared snippet is the
# templates' now (out of the journal). drop: the template VM was not created, so a snippet this
# run created goes at once (a failed create then leaves nothing).
ci_shared_settle() {
  [[ "${CI_SHARED_NEW:-0}" == 1 ]] || return 0
  CI_SHARED_NEW=0
  ci_unplace "$CI_SHARED_FILE" "$([[ "$1" == keep ]] && echo forget || echo remove)"
}

# ci_shared_restore: after a failed start of a clone that uses the templates' vendor snippet
# (CI_FROM_TEMPLATE=1), when PVE_ERR names that snippet (deleted since): write it again; 1 when
# the failure is something else.
ci_shared_restore() {
  [[ "${CI[from_template]:-0}" == 1 && "${PVE_ERR:-}" == *"$CI_SHARED_NAME"* ]] || return 1
  local snippet="${HOST[snippet_store]}:snippets/${CI_SHARED_NAME}"
  log_warn "the templates' vendor snippet ${snippet} is missing; writing it again"
  ci_write_shared keep
}

# ci_remove_snippet: drop the snippet of a failed create attempt. When the id went to another
# run meanwhile (snippets on a shared storage, runs on two nodes), the file is that VM's now (the
# content is the same for every VM): forget it, never remove it.
ci_remove_snippet() {
  [[ -n "${CI_SNIPPET_FILE:-}" && "$CFG_DRY_RUN" != 1 ]] || return 0
  local how=remove
  if [[ "${PVE_ERR:-}" == *"already exists"* && -n "${VM[id_try]:-}" ]] &&
    ! pvesh get /cluster/nextid --vmid "${VM[id_try]}" >/dev/null 2>&1; then
    how=forget # the id is in use cluster-wide: keep that VM's file
  fi
  ci_unplace "$CI_SNIPPET_PLACED" "$how"
}

# ci_args OUTVAR: the cloud-init settings of this VM (after ci_write_snippet) into the array
# OUTVAR, the same for `qm create` and for `qm set` on a clone (the cloud-init drive is the
# creator's: --ide2 on create, the template's on a clone).
ci_args() {
  local -n ci_out="$1"
  ci_out=(--ciuser "$CFG_USER")
  [[ -n "${CI_KEYS_FILE:-}" ]] && ci_out+=(--sshkeys "$CI_KEYS_FILE")
  if [[ "$CFG_IP" == dhcp ]]; then
    ci_out+=(--ipconfig0 "ip=dhcp")
  else
    ci_out+=(--ipconfig0 "ip=${CFG_IP},gw=${CFG_GATEWAY}")
  fi
  if [[ -n "$CFG_DNS" ]]; then
    local dns="${CFG_DNS//,/ }"
    read -r -a dns <<<"$dns"
    ci_out+=(--nameserver "${dns[*]}")
  fi
  ((PVE_MAJOR >= 8)) && ci_out+=(--ciupgrade 0)
  [[ -n "${CI[snippet_volid]:-}" ]] && ci_out+=(--cicustom "vendor=${CI[snippet_volid]}")
  return 0
}

# ci_password VMID: a random password set through `qm set --cipassword` (as a SHA-512 crypt hash),
# kept only in a root-only file (VM_PASSWORD_FILE). Never printed; one ssh-mcp 2 would hide.
ci_password() {
  local id="$1" pw hash salt try rc dir="${LINUS_STATE_DIR:-/var/lib/linus-provision}/passwords"
  [[ "$CFG_PASSWORD" == 1 ]] || return 0
  VM[password_file]="$dir/vm-${id}.password"
  log_cmd qm set "$id" --cipassword '<hidden>'
  [[ "$CFG_DRY_RUN" == 1 ]] && return 0
  # 32 letters and digits, drawn again until ssh-mcp 2's redactor would hide them should they
  # ever be printed (above 4.6 bits of entropy; its limit is 4.5)
  for try in {1..100}; do
    pw="$(head -c 96 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | cut -c1-32)"
    rc=0
    res_hidden "$pw" 4.6 || rc=$?
    ((rc == 1 && try < 100)) || break # 0: it would be hidden; 2: no perl to tell, the first one
  done
  (umask 077 && mkdir -p "$dir" && chmod 700 "$dir")
  rb_add file "${VM[password_file]}"
  (umask 077 && printf '%s\n' "$pw" >"${VM[password_file]}")
  # hand PVE a SHA-512 crypt hash (it keeps hashed values as they are): the clear password is then
  # in no process list, command log or task log
  salt="$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-16)"
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
  hash="$(printf '%s' "$pw" | perl -e 'my $p = <STDIN>; print crypt($p, q{$6$} . $ARGV[0] . q{$}) // ""' "$salt")"
  [[ "$hash" == "\$6\$"* ]] || hash="$pw" # no SHA-512 crypt on this host: PVE hashes it on `qm set`
  if ! qm set "$id" --cipassword "$hash" >/dev/null 2>"$LINUS_RUN_DIR/cipw.err"; then
    linus_fail 5 "qm set --cipassword failed for VM ${id}: $(pve_err_text "$LINUS_RUN_DIR/cipw.err")" \
      "check the VM config (qm config ${id})"
  fi
  log_ok "password set; it is only in ${VM[password_file]} (mode 600)"
}
