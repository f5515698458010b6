#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# The call budget: a provision makes at most 7 Proxmox CLI calls (qm, pvesh, pvesm, pveversion)
# besides its polls (guest agent, qm status) on the import path, the clone path no more than the
# import path, and the same number whatever the number of existing VMs (never O(VMs)).

setup() {
  load 'bundle'
  sim_setup
  pvesim storage set local-lvm --free-gib 4000 >/dev/null
}

# seed N: N existing guests (every fifth a container).
seed() {
  local i
  for ((i = 0; i < $1; i++)); do
    if ((i % 5 == 0)); then
      pvesim guest add "$((200 + i))" --type lxc --name "ct$i" >/dev/null
    else pvesim guest add "$((200 + i))" --name "vm$i" --status running >/dev/null; fi
  done
}

# budget: "CALLS POLLS" of the call log: Proxmox calls without the polls, and the polls.
budget() {
  local all polls
  all="$(pvesim calls --args | grep -cE '^(qm|pvesh|pvesm|pveversion) ' || true)"
  polls="$(pvesim calls --args | grep -cE '^qm (guest cmd|agent|status) ' || true)"
  echo "$((all - polls)) $polls"
}

# provision_calls NAME ARGS...: provision, succeed, print the budget of that run alone.
provision_calls() {
  : >"$PVESIM_DIR/calls.jsonl"
  run_bundle --name "$@"
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr" >&2
    return 1
  }
  budget
}

@test "call budget: import path <= 7 calls + polls, the same with 0 and 60 existing VMs" {
  local a b
  a="$(provision_calls imp0)"
  assert_call '^pvesh get /cluster/resources --output-format json$'
  refute_call '^pvesh get /nodes( |/pve/(storage|status) )'
  refute_call '^pveversion'
  seed 60
  b="$(provision_calls imp60)"
  echo "0 VMs: $a; 60 VMs: $b" >&2
  [ "${a% *}" -le 7 ]
  [ "${a% *}" = "${b% *}" ]
}

@test "call budget: clone path (--template-cache) makes no more calls than the import path, the same at 0 and 60 VMs" {
  local i a b
  i="$(provision_calls imp0)"
  run_bundle --name build1 --template-cache
  [ "$status" -eq 0 ]
  a="$(provision_calls cl0 --template-cache)"
  assert_call '^qm clone '
  refute_call '^qm create'
  refute_call '^pvesm path' # the clone inherits the template's vendor snippet
  seed 60
  b="$(provision_calls cl60 --template-cache)"
  echo "import: $i; clone, 0 VMs: $a; 60 VMs: $b" >&2
  [ "${a% *}" -le "${i% *}" ]
  [ "${a% *}" = "${b% *}" ]
}
