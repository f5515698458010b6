# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_/VM_/IMG_ globals set here are read by the other steps
# Step ssh: wait for the VM's SSH server, report its host key fingerprint, and log in as the VM
# user with the host root's key to wait for cloud-init (`cloud-init status --wait`). Host keys
# are accepted (accept-new) only into this VM's own known_hosts file, never blindly.
# Reads: CFG_USER CFG_SSH_TIMEOUT CFG_NO_HOST_KEY, VM[id ip], HOST[key], LINUS_RUN_DIR.
# Sets: VM[known_hosts host_key host_key_hex ssh_check cloud_init]. Dry run: ssh_plan.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"

# ssh_known_hosts: this VM's known_hosts file (a stale one from an earlier VM with this id is
# removed: it would make accept-new refuse the new VM's key).
ssh_known_hosts() {
  local dir="${LINUS_STATE_DIR:-/var/lib/linus-provision}/known_hosts"
  (umask 077 && mkdir -p "$dir")
  VM[known_hosts]="$dir/${VM[id]}"
  rm -f "${VM[known_hosts]}"
}

# ssh_fingerprint FILE: the SHA256 fingerprint of the best host key in FILE (ed25519 first).
ssh_fingerprint() {
  local out line best=""
  out="$(ssh-keygen -l -E sha256 -f "$1" 2>/dev/null)" || return 1
  while read -r line; do
    [[ "$line" == *SHA256:* ]] || continue
    [[ -z "$best" || "$line" == *"(ED25519)"* ]] && best="$line"
  done <<<"$out"
  [[ -n "$best" ]] || return 1
  best="${best#* }"
  printf '%s\n' "${best%% *}"
}

# ssh_fingerprint_hex FP: the fingerprint FP (SHA256:<base64>, as ssh-keygen prints it) as 64
# lowercase hex digits, a form ssh-mcp 2's output redactor leaves whole (it hides the base64).
ssh_fingerprint_hex() {
  local b64="${1#SHA256:}" hex
  [[ "$1" == SHA256:* && "$b64" =~ ^[A-Za-z0-9+/]{43}=?$ ]] || return 1
  hex="$(printf '%s=' "${b64%=}" | base64 -d 2>/dev/null | od -An -v -tx1 | tr -d ' \n')"
  [[ "$hex" =~ ^[0-9a-f]{64}$ ]] || return 1
  printf '%s\n' "$hex"
}

# ssh_remaining START: seconds left of --ssh-timeout.
ssh_remaining() {
  local now
  now="$(printf '%(%s)T' -1)"
  echo $((CFG_SSH_TIMEOUT - (now - $1)))
}

# ssh_wait_port START: ssh-keyscan until the SSH server answers; its keys in SSH_SCAN.
ssh_wait_port() {
  local start="$1" left polls=0
  SSH_SCAN="$LINUS_RUN_DIR/keyscan"
  rb_add tmp "$SSH_SCAN"
  while :; do
    if ssh-keyscan -T 5 "${VM[ip]}" >"$SSH_SCAN" 2>/dev/null && [[ -s "$SSH_SCAN" ]]; then
      return 0
    fi
    left="$(ssh_remaining "$start")"
    if ((left <= 0)); then
      linus_fail 6 "the SSH server of VM ${VM[id]} (${VM[ip]}) did not answer within ${CFG_SSH_TIMEOUT}s" \
        "watch the boot on the console (qm terminal ${VM[id]}); check firewalls between this host and ${VM[ip]}"
    fi
    log_progress "waiting for SSH on ${VM[ip]}" "$((CFG_SSH_TIMEOUT - left))" "$CFG_SSH_TIMEOUT"
    pve_poll_sleep "$((++polls))"
  done
}

# ssh_cloud_init_run LEFT START: one `ssh USER@IP cloud-init status --wait` (bounded by LEFT seconds),
# its output kept in SSH_CI_OUT (its dots and "status: done" are not for people; the last line
# of an ssh error is shown if the login never works), progress every poll interval like the IP
# wait. Returns ssh's code (124 when LEFT ran out).
ssh_cloud_init_run() {
  local left="$1" start="$2" fd rc="" st now text
  # (the ERR trap is inherited: a failing ssh must not run it in the process substitution)
  exec {fd}< <(
    r=0
    timeout "$left" ssh -n -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
      -o "UserKnownHostsFile=${VM[known_hosts]}" -o ConnectTimeout=10 -o LogLevel=ERROR \
      -o IdentitiesOnly=yes -i "${HOST[key]}" "${CFG_USER}@${VM[ip]}" cloud-init status --wait \
      >"$SSH_CI_OUT" 2>&1 </dev/null || r=$?
    echo "$r"
  )
  while :; do
    st=0
    IFS= read -r -t "${LINUS_POLL_INTERVAL:-2}" -u "$fd" rc || st=$?
    ((st > 128)) || break
    now="$(printf '%(%s)T' -1)"
    # dots on stdout: logged in, cloud-init is still running
    text="waiting to log in as ${CFG_USER}@${VM[ip]}"
    [[ -s "$SSH_CI_OUT" && "$(head -c 1 "$SSH_CI_OUT")" == . ]] && text="waiting for cloud-init in VM ${VM[id]}"
    log_progress "$text" "$((now - start))" "$CFG_SSH_TIMEOUT"
  done
  exec {fd}<&-
  [[ "$rc" =~ ^[0-9]+$ ]] || rc=255
  return "$rc"
}

# ssh_login START: log in as the VM user with the host key; wait for cloud-init to finish.
ssh_login() {
  local start="$1" left rc last="" polls=0
  SSH_CI_OUT="$LINUS_RUN_DIR/cloud-init-status"
  rb_add tmp "$SSH_CI_OUT"
  while :; do
    left="$(ssh_remaining "$start")"
    ((left > 0)) || break
    rc=0
    ssh_cloud_init_run "$left" "$start" || rc=$?
    case "$rc" in
      0)
        VM[cloud_init]="done"
        return 0
        ;;
      2)
        VM[cloud_init]=degraded
        log_warn "cloud-init finished with recoverable errors (see /var/log/cloud-init.log in the VM)"
        return 0
        ;;
      1)
        VM[cloud_init]=error
        log_warn "cloud-init reported an error (see /var/log/cloud-init.log in the VM); the login works"
        return 0
        ;;
      124) break ;;
    esac
    last="$(grep -v '^[.[:space:]]*$' "$SSH_CI_OUT" | tail -n 1 || true)"
    log_progress "waiting to log in as ${CFG_USER}@${VM[ip]}" "$((CFG_SSH_TIMEOUT - left))" "$CFG_SSH_TIMEOUT"
    pve_poll_sleep "$((++polls))"
  done
  if [[ -s "$SSH_CI_OUT" && "$(head -c 1 "$SSH_CI_OUT")" == . ]]; then
    linus_fail 6 "cloud-init in VM ${VM[id]} did not finish within ${CFG_SSH_TIMEOUT}s$(
      printf ' (the login as %s works)' "${CFG_USER}@${VM[ip]}"
    )" \
      "see /var/log/cloud-init-output.log in the VM (ssh ${CFG_USER}@${VM[ip]}); raise --ssh-timeout on slow hosts"
  fi
  local what="could not log in as ${CFG_USER}@${VM[ip]} with ${HOST[key]} within ${CFG_SSH_TIMEOUT}s"
  linus_fail 6 "${what}${last:+ (${last})}" \
    "watch the boot on the console (qm terminal ${VM[id]}); raise --ssh-timeout on slow hosts"
}

# step_ssh: SSH_CHECK (login|port), VM_HOST_KEY (and VM_HOST_KEY_HEX), CLOUD_INIT_STATUS.
step_ssh() {
  local start
  log_step ssh "verifying SSH on ${VM[ip]:-the VM}"
  start="$(printf '%(%s)T' -1)"
  ssh_known_hosts
  ssh_wait_port "$start"
  VM[host_key]="$(ssh_fingerprint "$SSH_SCAN" || true)"
  VM[cloud_init]=unknown
  if [[ "$CFG_NO_HOST_KEY" == 1 ]]; then
    VM[ssh_check]=port
    VM[host_key_hex]="$(ssh_fingerprint_hex "${VM[host_key]}" || true)"
    log_ok "the SSH server answers (--no-host-key: this proves only that sshd runs, not that a login works)"
    return 0
  fi
  ssh_login "$start"
  VM[ssh_check]=login
  VM[host_key]="$(ssh_fingerprint "${VM[known_hosts]}" || printf '%s' "${VM[host_key]}")"
  VM[host_key_hex]="$(ssh_fingerprint_hex "${VM[host_key]}" || true)"
  log_ok "logged in as ${CFG_USER}@${VM[ip]}; cloud-init ${VM[cloud_init]}; host key ${VM[host_key]:-unknown}"
}

# ssh_plan: the dry run's SSH check: the scan and the login it would make.
ssh_plan() {
  log_step ssh "verifying SSH on ${VM[ip]:-the VM}"
  log_cmd ssh-keyscan -T 5 "${VM[ip]:-VM_IP}"
  [[ "$CFG_NO_HOST_KEY" == 1 ]] || log_cmd ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
    -o "UserKnownHostsFile=${LINUS_STATE_DIR:-/var/lib/linus-provision}/known_hosts/${VM[id]}" \
    -i "${HOST[key]:-KEY}" "${CFG_USER}@${VM[ip]:-VM_IP}" cloud-init status --wait
}
