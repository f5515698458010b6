# shellcheck shell=bash
# shellcheck disable=SC2016 # the single-quoted strings are perl programs (their $ are perl's)
# VMs on another cluster node. `qm` acts only on the node it runs on (PROXMOX-FACTS §5), so when
# the VM of this run lives elsewhere (PVE_REMOTE_NODE, set by step_chk_node) every `qm` call of
# the run -- the steps' and the rollback journal's -- goes through `pvesh` on
# /nodes/NODE/qemu/... instead. Steps keep writing `qm`; this is the one place that chooses.
# Outputs and exit codes mimic qm: `config` prints key: value lines, `status` prints
# "status: X", `guest cmd` prints the unwrapped agent result. pvesh runs worker tasks and exits 0
# even when the task failed (§7): create and destroy are verified here, start by the caller's
# status check.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/logging.sh"

# qm ARGS...: the real qm on the local node, pve_qm_remote for a VM of this run on another node.
# (Named qm, not pve_*, on purpose: the journal and the steps call qm by that name.)
qm() {
  if [[ -n "${PVE_REMOTE_NODE:-}" ]]; then
    pve_qm_remote "$PVE_REMOTE_NODE" "$@"
  else
    command qm "$@"
  fi
}

# pve_urlencode: stdin strictly percent-encoded (what the API's `urlencoded` format accepts:
# only [-a-zA-Z0-9_.!~*'()] stay as they are; spaces %20, newlines %0A).
pve_urlencode() {
  perl -e 'local $/; my $t = <STDIN> // ""; $t =~ s/([^-A-Za-z0-9_.!~*\x27()])/sprintf("%%%02X", ord($1))/ge; print $t'
}

# pve_api_args ARGS...: qm options as API parameters in PVE_API_ARGS (--sshkeys FILE becomes the
# url-encoded text: over the API sshkeys is the keys themselves, not a file path).
pve_api_args() {
  PVE_API_ARGS=()
  while (($#)); do
    if [[ "$1" == --sshkeys && $# -ge 2 ]]; then
      PVE_API_ARGS+=(--sshkeys "$(pve_urlencode <"$2")") || return 1
      shift 2
      continue
    fi
    PVE_API_ARGS+=("$1")
    shift
  done
}

# pve_qm_remote NODE SUBCOMMAND ARGS...: qm SUBCOMMAND for a VM on NODE, through pvesh.
pve_qm_remote() {
  local node="$1" sub="${2:-}" id="${3:-}" q
  q="/nodes/${node}/qemu/${id}"
  shift 3 || true
  case "$sub" in
    create)
      pve_api_args "$@" || return 2
      pve_task_checked "$node" "$id" present pvesh create "/nodes/${node}/qemu" --vmid "$id" "${PVE_API_ARGS[@]}" ;;
    set)
      pve_api_args "$@" || return 2
      pvesh set "${q}/config" "${PVE_API_ARGS[@]}" ;;
    resize) pvesh set "${q}/resize" --disk "$1" --size "$2" ;;
    start | stop | shutdown) pvesh create "${q}/status/${sub}" "$@" ;;
    template) pvesh create "${q}/template" "$@" ;;
    clone) pvesh create "/nodes/${node}/qemu/${id}/clone" --newid "$1" "${@:2}" ;;
    destroy) pve_task_checked "$node" "$id" absent pvesh delete "$q" "$@" ;;
    status)
      pvesh get "${q}/status/current" --output-format json | pve_json 'print "status: ", ($d->{status} // "unknown"), "\n"' ;;
    config)
      pvesh get "${q}/config" --output-format json |
        pve_json 'for (sort keys %$d) { next if $_ eq "digest"; print "$_: $d->{$_}\n" }' ;;
    guest | agent)
      [[ "$sub" == agent ]] || { id="$1"; shift; q="/nodes/${node}/qemu/${id}"; }
      pvesh get "${q}/agent/$1" --output-format json |
        pve_json 'print JSON::PP->new->pretty->canonical->encode(ref $d eq "HASH" && exists $d->{result} ? $d->{result} : $d)' ;;
    *)
      printf 'qm %s for a VM on node %s is not supported by this tool\n' "$sub" "$node" >&2
      return 255 ;;
  esac
}

# pve_task_checked NODE ID present|absent CMD...: run a pvesh worker task, then (pvesh exits 0
# even when the task failed) check that VM ID's config is present/absent; 255 when not.
pve_task_checked() {
  local node="$1" id="$2" want="$3" rc=0 has=present
  shift 3
  "$@" || rc=$?
  ((rc == 0)) || return "$rc"
  pvesh get "/nodes/${node}/qemu/${id}/config" --output-format json >/dev/null 2>&1 || has=absent
  [[ "$has" == "$want" ]] && return 0
  printf 'the task on node %s did not leave VM %s %s (see the task output above)\n' "$node" "$id" "$want" >&2
  return 255
}
