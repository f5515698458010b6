#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# provision --reuse-existing: a VM of this name made by this tool is reported as a fresh success
# (plus LINUS_REUSED:1); one without the tag linus is still a conflict (exit 7).

setup() {
  load 'actions'
  sim_setup --nodes 3
}

@test "reuse: the existing VM's lines, as a fresh success, REUSED:1, nothing created" {
  run_bundle --name web1 --cores 3 --memory 4G --disk 30
  [ "$status" -eq 0 ]
  local first="$output"
  clear_calls
  run_bundle --name web1 --reuse-existing
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  assert_protocol
  mapfile -t lines <<<"$output"
  mapfile -t want <<<"$first"
  local i
  for i in 0 1 2 3 4 5 6 7 8 9; do
    [ "${lines[i]}" = "${want[i]}" ] || {
      echo "line $i: ${lines[i]} != ${want[i]}"
      false
    }
  done
  [ "$(proto REUSED)" = 1 ]
  [ "$(proto VM_CPU)" = 3 ]
  [ "$(proto VM_RAM)" = 4096 ]
  [ "$(proto VM_DISK)" = 30 ]
  assert_no_mutating_calls
}

@test "reuse: VM_OS is the OS the VM was made from (its os-KEY tag), not the --os of this call" {
  run_bundle --name deb1 --os debian-12
  [ "$status" -eq 0 ]
  [ "$(proto VM_OS)" = debian-12 ]
  run_bundle --name deb1 --reuse-existing --os ubuntu-24.04
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ "$(proto REUSED)" = 1 ]
  [ "$(proto VM_OS)" = debian-12 ]
  [[ "$(proto VM_TAGS)" == *os-debian-12* ]]
}

@test "reuse: a VM that differs from the asked cores, memory or OS is reported with a LINUS_WARNING" {
  run_bundle --name web2 --cores 2 --memory 2G --os debian-12
  [ "$status" -eq 0 ]
  clear_calls
  run_bundle --name web2 --reuse-existing --cores 4 --memory 8GB --os ubuntu-24.04
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  assert_protocol
  [ "$(proto REUSED)" = 1 ]
  [ "$(proto VM_CPU)" = 2 ]
  [ "$(proto VM_RAM)" = 2048 ]
  local id want
  id="$(proto VM_ID)"
  want="existing VM ${id} (web2) differs from this call: 2 cores (asked 4), 2048 MiB memory (asked 8192), OS debian-12"
  want+=" (asked ubuntu-24.04); it is reported as it is; to change it: qm set ${id} --cores 4 --memory 8192"
  want+=" on node pve, then restart it; another OS needs a new VM: destroy ${id} first or pick another --name"
  [ "$(proto WARNING)" = "$want" ] || {
    echo "got: $(proto WARNING)"
    false
  }
  [[ "$stderr" == *"warning: existing VM ${id} (web2) differs from this call: 2 cores (asked 4)"* ]]
  [[ "$(proto JSON)" == *'"warning":"existing VM '* ]]
  assert_no_mutating_calls
  # only what this call gave is compared: the same values, or none, give no warning
  run_bundle --name web2 --reuse-existing --cores 2 --memory 2048
  [ "$status" -eq 0 ]
  [ -z "$(proto WARNING || true)" ]
  [[ "$stderr" != *"differs from this call"* ]]
  VM_RAM=4096 run_bundle --name web2 --reuse-existing
  [ "$status" -eq 0 ]
  want="existing VM ${id} (web2) differs from this call: 2048 MiB memory (asked 4096); it is reported as it is"
  want+="; to change it: qm set ${id} --memory 4096 on node pve, then restart it"
  [ "$(proto WARNING)" = "$want" ]
}

@test "reuse: a VM on another node is found cluster-wide" {
  guests "110 far pve2 linus running"
  run_bundle --name far --reuse-existing --os debian-12
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ "$(proto VM_ID)" = 110 ]
  [ "$(proto VM_NODE)" = pve2 ]
  [ "$(proto VM_OS)" = debian-12 ]
  [ "$(proto VM_IP)" = "$(pvesim ip 110)" ]
  assert_no_mutating_calls
}

@test "reuse: a VM of the name without tag linus is still exit 7, nothing created" {
  guests "120 theirs pve - running"
  run_bundle --name theirs --reuse-existing
  assert_failure_code 7
  [[ "$(proto ERROR)" == *"VM 120"* ]]
  assert_no_mutating_calls
}

@test "without --reuse-existing an existing linus VM is exit 7 naming it" {
  guests "105 web1 pve linus running"
  run_bundle --name web1
  assert_failure_code 7
  [[ "$(proto ERROR)" == *"VM 105"* ]]
  assert_no_mutating_calls
}

@test "reuse: no VM of that name yet provisions a new one" {
  run_bundle --name fresh --reuse-existing
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ "$(proto VM_NAME)" = fresh ]
  [ -z "$(proto REUSED || true)" ]
  assert_call '^qm create 100 '
  # the lookup and step validate share one /cluster/resources read
  [ "$(pvesim calls --tool pvesh --match 'cluster/resources' --count)" = 1 ]
}

@test "reuse with --detach: the job reports the existing VM" {
  guests "105 web1 pve linus running"
  run_bundle --name web1 --reuse-existing --detach
  [ "$status" -eq 0 ]
  run_bundle wait "$(proto JOB)" --timeout 30
  [ "$status" -eq 0 ] || {
    echo "$output $stderr"
    false
  }
  [ "$(proto REUSED)" = 1 ]
  [ "$(proto VM_ID)" = 105 ]
}
