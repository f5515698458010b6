# shellcheck shell=bash
# provision --detach and wait JOB: the same provision runs in the background, in its own session
# (setsid, SIGHUP ignored, stdin from /dev/null), so it outlives the SSH session that started it.
# Each job is a root-only directory $LINUS_STATE_DIR/jobs/<id>/ holding: pid (of the job's
# wrapper), out (the provision's protocol lines), log (its stderr), rc (its exit code, written
# last). The current step is the last "==> [step]" line of the log.
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/options.sh"
source "$(dirname "${BASH_SOURCE[0]}")/checks-host.sh"

# job_root: the jobs directory (created root-only when missing).
job_root() {
  local d="${LINUS_STATE_DIR:-/var/lib/linus-provision}/jobs"
  if [[ ! -d "$d" ]]; then
    (umask 077 && mkdir -p "$d") ||
      linus_fail 4 "cannot create the jobs directory ${d}" "check that ${d%/jobs} is writable by root"
  fi
  chmod 700 "${d%/jobs}" "$d" 2>/dev/null || true
  # finished jobs older than 30 days go (their VMs are untouched)
  find "$d" -mindepth 2 -maxdepth 2 -name rc -mtime +30 -printf '%h\0' 2>/dev/null | xargs -0 -r rm -rf -- || true
  printf '%s\n' "$d"
}

# job_self: the absolute path of the running script (the installed bundle, or actions/main.sh).
job_self() {
  local self="${BASH_SOURCE[-1]:-$0}"
  [[ -r "$self" ]] || linus_fail 5 "cannot find the running script (${self}) to start the job" \
    "run the script from a file: bash /path/linus-provision-proxmox.sh ..."
  readlink -f -- "$self"
}

# job_start ARGS...: validate the options here (a bad value fails at once, nothing started),
# then run `provision ARGS` (without --detach) in the background; STARTED + JOB at once.
job_start() {
  local self root dir id a args=() prog
  LINUS_STEP=options
  chk_options
  chk_root
  LINUS_STEP=detach
  self="$(job_self)"
  root="$(job_root)"
  dir="$(mktemp -d "${root}/$(date -u +%Y%m%dT%H%M%SZ)-XXXXXXXX")" ||
    linus_fail 4 "cannot create a job directory under ${root}" "check the free space and permissions of ${root}"
  chmod 700 "$dir"
  id="${dir##*/}"
  for a in "$@"; do
    [[ "$a" == --detach ]] || args+=("$a")
  done
  [[ "${args[0]:-}" == provision ]] || args=(provision "${args[@]+"${args[@]}"}")
  # the job's wrapper: the provision's output into the job directory, its exit code into rc last
  # shellcheck disable=SC2016 # the bash -c program's $ are its own
  prog='umask 077; d="$1"; shift; bash "$@" >"$d/out" 2>"$d/log"; '
  # shellcheck disable=SC2016 # the bash -c program's $ are its own
  prog+='echo "$?" >"$d/rc.tmp"; mv -f "$d/rc.tmp" "$d/rc"'
  # VM_ID/VM_IP from the environment were consumed by opt_defaults: hand them on
  env -u LINUS_RUN_DIR VM_ID="$CFG_VMID" VM_IP="$CFG_IP" \
    setsid nohup bash -c "$prog" linus-job "$dir" "$self" "${args[@]}" </dev/null >/dev/null 2>&1 3>&- &
  echo "$!" >"$dir/pid"
  log_ok "job ${id} started (pid $!); its log: ${dir}/log"
  res_reset
  res_set RESULT STARTED
  res_set JOB "$id"
  res_set JOB_LOG "$(res_safe_path "$dir/log")"
  res_set WAIT_COMMAND "wait ${id} --timeout 50"
  res_print
}

# job_dir ID: the directory of job ID; exit 1 for a malformed or unknown id (never a path).
job_dir() {
  local id="$1" d
  if [[ ! "$id" =~ ^[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9]{8}$ ]]; then
    linus_fail 1 "'${id:0:80}' is not a job id (like 20260101T120000Z-AbCd1234)" \
      "use the LINUS_JOB value that provision --detach printed"
  fi
  d="${LINUS_STATE_DIR:-/var/lib/linus-provision}/jobs/${id}"
  [[ -d "$d" && -f "$d/pid" ]] ||
    linus_fail 1 "no job ${id} on this host" "use the LINUS_JOB value that provision --detach printed, on the same host"
  printf '%s\n' "$d"
}

# job_alive DIR: 0 while the job's wrapper process runs.
job_alive() {
  local pid
  pid="$(<"$1/pid")" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # the pid must still be our wrapper (its command line names the job dir), not a reused pid
  [[ -r "/proc/${pid}/cmdline" ]] && tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF -- "$1"
}

# job_step DIR: the job's current step (the last "==> [step]" line of its log).
job_step() {
  local line step=starting
  while IFS= read -r line; do
    [[ "$line" =~ ^==\>\ \[([A-Za-z0-9_-]+)\] ]] && step="${BASH_REMATCH[1]}"
  done <"$1/log" 2>/dev/null || true
  printf '%s\n' "$step"
}

# job_exit RC: end the run with RC without the EXIT trap's FAILURE lines (the job's own lines
# were printed); the run's temp files are still removed.
job_exit() {
  trap - EXIT ERR INT TERM HUP
  rb_cleanup_tmp
  [[ -n "${LINUS_RUN_DIR:-}" ]] && rm -rf "$LINUS_RUN_DIR"
  exit "$1"
}
