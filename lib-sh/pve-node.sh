# shellcheck shell=bash
# VMs on another cluster node. `qm` acts only on the node it runs on (qemu-server: qm is node-local), so when
# the VM of this run lives elsewhere (PVE_REMOTE_NODE, set by chk_node) every `qm` call of
# the run -- the steps' and the rollback journal's -- goes through `pvesh` on
# /nodes/NODE/qemu/... instead. Steps keep writing `qm`; this is the one place that chooses.
# Outputs and exit codes mimic qm: `config` prints key: value lines, `status` prints
# "status: X", `guest cmd` prints the unwrapped agent result. pvesh runs worker tasks and exits 0
# even when the task failed: create, clone and destroy are verified here, start by the caller's
# status check.
source "$(dirname "${BASH_SOURCE[0]}")/logging.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pq.sh"

# qm ARGS...: the real qm on the local node, pve_qm_remote for a VM of this run on another node.
# (Named qm, not pve_*, on purpose: the journal and the steps call qm by that name.)
qm() {
  if [[ -n "${PVE_REMOTE_NODE:-}" ]]; then
    pve_qm_remote "$PVE_REMOTE_NODE" "$@"
  else
    command qm "$@"
  fi
}

# pve_ssh_cmd NODE [CONNECT_TIMEOUT]: PVE_SSH_CMD, the ssh command line for root on cluster node
# NODE, over the SSH trust the nodes share (batch mode: never a prompt; no escape character).
pve_ssh_cmd() {
  # shellcheck disable=SC2034 # PVE_SSH_CMD is read by the callers
  PVE_SSH_CMD=(ssh -e none -o BatchMode=yes -o ConnectTimeout="${2:-10}" "root@$1")
}

# pve_urlencode: stdin strictly percent-encoded (what the API's `urlencoded` format accepts:
# only [-a-zA-Z0-9_.!~*'()] stay as they are; spaces %20, newlines %0A).
pve_urlencode() {
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
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
  local node="$1" sub="${2:-}" id="${3:-}" q t
  q="/nodes/${node}/qemu/${id}"
  shift 3 || true
  case "$sub" in
    create)
      pve_api_args "$@" || return 2
      pve_task_checked "$node" "$id" "named:$(pve_opt_value --name "$@")" \
        pvesh create "/nodes/${node}/qemu" --vmid "$id" "${PVE_API_ARGS[@]}"
      ;;
    set)
      pve_api_args "$@" || return 2
      pvesh set "${q}/config" "${PVE_API_ARGS[@]}"
      ;;
    resize) pvesh set "${q}/resize" --disk "$1" --size "$2" ;;
    start | stop | shutdown | reboot) pvesh create "${q}/status/${sub}" "$@" ;;
    snapshot) pvesh create "${q}/snapshot" --snapname "$1" "${@:2}" ;;
    rollback) pvesh create "${q}/snapshot/$1/rollback" "${@:2}" ;;
    template) pvesh create "${q}/template" "$@" ;;
    unlock) pvesh set "${q}/config" --delete lock --skiplock 1 ;; # qm unlock; root may skip the lock
    # a failed clone task exits 0 as well (and frees NEWID): checked like create, where it lands
    clone)
      t="$(pve_opt_value --target "${@:2}")"
      pve_task_checked "${t:-$node}" "$1" "named:$(pve_opt_value --name "${@:2}")" \
        pvesh create "/nodes/${node}/qemu/${id}/clone" --newid "$1" "${@:2}"
      ;;
    destroy) pve_task_checked "$node" "$id" absent pvesh delete "$q" "$@" ;;
    status | config | guest | agent) pve_qm_remote_get "$node" "$sub" "$id" "$@" ;;
    *)
      printf 'qm %s for a VM on node %s is not supported by this tool\n' "$sub" "$node" >&2
      return 255
      ;;
  esac
}

# pve_qm_remote_get NODE status|config|guest|agent ID ARGS...: the reading qm subcommands for a VM
# on NODE through pvesh, printed as qm prints them (Proxmox's JSON read by lib-sh/pq.sh). `guest
# cmd ID CMD` names the VM in its second word (ID is then "cmd"), `agent ID CMD` in its first.
pve_qm_remote_get() {
  local node="$1" sub="$2" id="$3" q
  shift 3
  q="/nodes/${node}/qemu/${id}"
  case "$sub" in
    status) pvesh get "${q}/status/current" --output-format json | pq_qm_status ;;
    config) pvesh get "${q}/config" --output-format json | pq_qm_config ;;
    *)
      [[ "$sub" == agent ]] || {
        id="$1"
        shift
        q="/nodes/${node}/qemu/${id}"
      }
      pvesh get "${q}/agent/$1" --output-format json | pq_agent_result
      ;;
  esac
}

# pve_opt_value OPT ARGS...: the value of option OPT in ARGS (empty when absent).
pve_opt_value() {
  local opt="$1"
  shift
  while (($# >= 2)); do
    [[ "$1" == "$opt" ]] && {
      printf '%s\n' "$2"
      return 0
    }
    shift
  done
}

# pve_task_checked NODE ID WANT CMD...: run a pvesh worker task, then check that VM ID's config
# is as WANT says: `absent`, or `named:NAME` (present, and named NAME when NAME is not empty);
# 255 with a message on stderr when not. A config that cannot be read for another reason than
# "does not exist" (node unreachable a moment) counts as present for a create: journaled as this
# run's VM, a later step fails on it and the rollback destroys it or reports it kept, where
# taking it as absent would leave it behind unreported.
#
# Why this read after every remote create stays: pvesh runs the task in the foreground and exits
# 0 even when the task failed (through the proxy to another node too:
# pve-manager pvesh.pm proxy_handler forwards the remote stderr and fails only when the remote
# pvesh exits non-zero, which it does not for a failed task). A failed create task deletes the
# config again (Qemu.pm create_vm), so the id is FREE again at once. Taking exit 0 as success
# would journal the VM as this run's (rb_add vm: destroyed with --skiplock on rollback) and let
# go of the id lock, and the next steps (resize, config, start, rollback) would act on whatever
# VM another run puts under that id meanwhile, on any node. The task's only other trace is its
# error text on stderr, which warnings share (`WARN: ...`, `Task finished with N warning(s)!`),
# so stderr cannot prove success. Only errors raised before the worker (parameter errors,
# "already exists" from create_and_lock_config, an offline node) exit non-zero; the create retry
# acts on those. The name check narrows the race: a VM under our id with another name is not ours.
pve_task_checked() {
  local node="$1" id="$2" want="$3" rc=0 errf adopt=0
  shift 3
  errf="$(mktemp "${LINUS_RUN_DIR:-${TMPDIR:-/tmp}}/task.XXXXXX")"
  # stdout as it is, stderr also into errf; the command's own exit code (not tee's)
  {
    "$@" 2>&1 1>&3 3>&- | tee "$errf" >&2
    rc="${PIPESTATUS[0]}"
  } 3>&1 || true
  # pvesh itself failed, not the task (e.g. the proxy's ssh to the node dropped: "proxy handler
  # failed"), while the worker there may have created the VM: ours if it has our name. Never
  # after "already exists": that VM is another run's, whatever its name.
  if ((rc != 0)) && [[ "$want" == named:?* ]] && ! grep -q 'already exists' "$errf"; then
    pve_task_conf "$node" "$id"
    [[ "$PVE_TASK_STATE" == present && "$PVE_TASK_NAME" == "${want#named:}" ]] && adopt=1
  fi
  rm -f "$errf"
  if ((adopt)); then
    printf 'WARN: pvesh failed, but VM %s on node %s exists with this name: taken as created\n' "$id" "$node" >&2
    return 0
  fi
  ((rc == 0)) || return "$rc"
  pve_task_want "$node" "$id" "$want"
}

# pve_task_want NODE ID WANT: after a task that exited 0, VM ID's config on NODE is as WANT says
# (pve_task_checked); 255 with a message on stderr when not.
pve_task_want() {
  local node="$1" id="$2" want="$3"
  pve_task_conf "$node" "$id"
  if [[ "$PVE_TASK_STATE" == unknown ]]; then
    printf 'WARN: cannot read the config of VM %s on node %s after the task: %s\n' "$id" "$node" "$PVE_TASK_ERR" >&2
    [[ "$want" == absent ]] && return 255
    PVE_TASK_STATE=present PVE_TASK_NAME="${want#named:}"
  fi
  case "$want:$PVE_TASK_STATE" in
    absent:absent) return 0 ;;
    named:*:present)
      [[ "$want" == named: || "${want#named:}" == "$PVE_TASK_NAME" ]] && return 0
      printf 'VM %s on node %s is named %s, not %s: %s\n' "$id" "$node" "'${PVE_TASK_NAME}'" "'${want#named:}'" \
        "the create task failed (see its output above) and another run took the id" >&2
      return 255
      ;;
  esac
  [[ "$want" == absent ]] || want=present
  printf 'the task on node %s did not leave VM %s %s (see the task output above)\n' "$node" "$id" "$want" >&2
  return 255
}

# pve_task_conf NODE ID: PVE_TASK_STATE present (PVE_TASK_NAME its name), absent, or unknown
# (the config could not be read for another reason; PVE_TASK_ERR says why).
pve_task_conf() {
  local out
  PVE_TASK_STATE=present PVE_TASK_NAME="" PVE_TASK_ERR=""
  if out="$(pvesh get "/nodes/${1}/qemu/${2}/config" --output-format json 2>&1)"; then
    PVE_TASK_NAME="$(pq_config_name <<<"$out" 2>/dev/null)" || PVE_TASK_NAME=""
  elif [[ "$out" == *"does not exist"* ]]; then
    PVE_TASK_STATE=absent
  else
    PVE_TASK_STATE=unknown PVE_TASK_ERR="${out//$'\n'/ }"
  fi
}
