#!/usr/bin/env bats
# Signals: INT, TERM and HUP during the download, after the VM exists and while waiting for its
# IP give a rollback, exit 130, the FAILURE lines and nothing left; a second signal during the
# rollback does not cut it short.

setup() {
  load 'rel-bg'
  rel_setup
}

# sig_case POINT SIGNAL TARGET REGEX CLEANUP: a run that gets SIGNAL (TARGET: group = the whole
# process group as Ctrl-C or a closed terminal does, pid = the script only as `kill` does) once
# its stderr matches REGEX.
sig_case() {
  local point="$1" sig="$2" target="$3" re="$4" cleanup="$5" dest
  rel_case "$sig to the $target at: $point"
  rel_spawn run --name "sig-${sig,,}"
  dest="$REL_PID"
  [[ "$target" == group ]] && dest="-$REL_PID"
  if rel_wait_for run "$re" 60; then
    kill -s "$sig" -- "$dest"
  else
    chk false
    kill -s KILL -- "-$REL_PID"
  fi
  rel_reap run "$REL_PID"
  pvesim latency 0 >/dev/null
  pvesim timing --dhcp 0.3 --agent 0.3 >/dev/null
  chk failure_lines_ok 130 "$cleanup"
  chk has_text "$(proto ERROR)" "interrupted by signal $sig"
  chk no_vm_left
  rel_case_end
}

# sig_point POINT REGEX CLEANUP FIRST-TARGET PVESIM-ARGS...: INT, TERM and HUP at one point, each
# on a fresh host set up with `pvesim PVESIM-ARGS`, the target alternating between group and pid.
sig_point() {
  local point="$1" re="$2" cleanup="$3" t="$4" s
  shift 4
  for s in INT TERM HUP; do
    rel_fresh
    pvesim "$@" >/dev/null
    sig_case "$point" "$s" "$t" "$re" "$cleanup"
    if [[ "$t" == group ]]; then t=pid; else t=group; fi
  done
  rel_done signal "INT, TERM, HUP $point"
}

@test "a signal during the image download: exit 130, nothing created, no .part left" {
  sig_point "during the download" 'downloading https' none group latency 0.4
}

@test "a signal right after the VM is created: the VM is destroyed, exit 130" {
  sig_point "after qm create" '\$ qm (set|resize|start) ' destroyed pid latency 0.3
}

@test "a signal while waiting for the IP: the VM is destroyed, exit 130" {
  sig_point "while waiting for the IP" '\[network\]' destroyed group timing --dhcp 60 --agent 60
}

@test "a second and third signal during a slow rollback do not cut it short" {
  local s
  for s in INT TERM; do
    rel_fresh
    rel_shim_slow_destroy 1.5
    pvesim timing --dhcp 60 --agent 60 >/dev/null
    rel_case "$s twice during the rollback"
    rel_spawn run --name sig-twice
    chk rel_wait_for run '\[network\]' 60
    kill -s "$s" -- "-$REL_PID"
    chk rel_wait_for run 'destroy-begins' 60
    kill -s "$s" -- "-$REL_PID" 2>/dev/null || true
    sleep 0.3
    kill -s HUP -- "$REL_PID" 2>/dev/null || true
    rel_reap run "$REL_PID"
    pvesim timing --dhcp 0.3 --agent 0.3 >/dev/null
    chk failure_lines_ok 130 destroyed
    chk no_vm_left
    rel_case_end
  done
  rel_done signal "a second and third signal during a slow rollback"
}
