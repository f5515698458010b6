#!/usr/bin/env bats
# shellcheck disable=SC2016 # up/in_step take bash code as a string: its $ expand in the step's shell
# steps/network.sh and steps/ssh.sh: start, IP discovery (agent, neighbour, static), SSH checks.

setup() {
  load 'steps'
  steps_init
}

# up 'CODE': validate, image, create, then CODE.
up() { run in_step "$(validated "step_image >/dev/null 2>&1; step_create >/dev/null 2>&1; $1")"; }

@test "start: running after qm start; a start failure is exit 5" {
  up 'step_start; echo started'
  [ "$status" -eq 0 ]
  assert_line started
  assert_call '^qm status 100$'
  pvesim start-error 'kvm: failed to start'
  up step_start
  [ "$status" -eq 5 ]
  assert_line --partial "LINUS_ERROR:qm start 101 failed: kvm: failed to start"
}

@test "IP from the guest agent, matched by net0's MAC" {
  LINUS_NEIGHBOUR_GRACE=600 up 'step_start >/dev/null 2>&1; step_network; echo "ip=${VM[ip]} src=${VM[ip_source]}"'
  [ "$status" -eq 0 ]
  assert_line "ip=$(pvesim ip 100) src=agent"
  assert_call '^qm guest cmd 100 network-get-interfaces$'
}

@test "no agent (no snippets storage): IP from the neighbour table" {
  pvesim storage set local --content iso,vztmpl,backup
  up 'step_start >/dev/null 2>&1; step_network; echo "ip=${VM[ip]} src=${VM[ip_source]}"'
  [ "$status" -eq 0 ]
  assert_line "ip=$(pvesim ip 100) src=neighbour"
  assert_call '^ip neigh show dev vmbr0$'
}

@test "no IP within --network-timeout: exit 6, VM rolled back" {
  pvesim storage set local --content iso,vztmpl,backup
  pvesim timing --dhcp 600 >/dev/null
  IN_STEP_ARGS="--network-timeout 1" up 'step_start >/dev/null 2>&1; step_network'
  [ "$status" -eq 6 ]
  assert_line --partial "reported no IPv4 address within 1s"
  assert_line --partial "snippets"
  assert_line "LINUS_CLEANUP:destroyed"
}

@test "static IP: known up front, no polling" {
  IN_STEP_ARGS="--ip 10.233.5.5/16 --gateway 10.233.0.1" up 'step_network; echo "ip=${VM[ip]} src=${VM[ip_source]}"'
  assert_line "ip=10.233.5.5 src=static"
  refute_call '^qm guest cmd'
}

@test "ssh: login as the VM user with the host key; host key fingerprint; accept-new into a per-VM file" {
  local prog='step_start >/dev/null 2>&1; step_network >/dev/null 2>&1; step_ssh; '
  prog+='echo "check=${VM[ssh_check]} key=${VM[host_key]} ci=${VM[cloud_init]}"'
  up "$prog"
  [ "$status" -eq 0 ]
  assert_line --regexp '^check=login key=SHA256:[A-Za-z0-9+/]{43} ci=done$'
  local want="^ssh -n -o BatchMode=yes -o StrictHostKeyChecking=accept-new"
  want+=" -o UserKnownHostsFile=$LINUS_STATE_DIR/known_hosts/100 .* -i $HOME/.ssh/id_ed25519 ubuntu@[0-9.]+"
  want+=" cloud-init status --wait$"
  assert_call "$want"
  refute_call 'StrictHostKeyChecking=no'
}

@test "ssh with --no-host-key: only the port check, said so" {
  IN_STEP_ARGS="--no-host-key --ssh-key-file $HOME/.ssh/id_ed25519.pub" \
    up 'step_start >/dev/null 2>&1; step_network >/dev/null 2>&1; step_ssh; echo "check=${VM[ssh_check]}"'
  [ "$status" -eq 0 ]
  assert_line "check=port"
  assert_output --partial "proves only that sshd runs"
  refute_call '^ssh '
}

@test "ssh never answering within --ssh-timeout: exit 6" {
  pvesim timing --ssh 600 >/dev/null
  IN_STEP_ARGS="--ssh-timeout 1" up 'step_start >/dev/null 2>&1; step_network >/dev/null 2>&1; step_ssh'
  [ "$status" -eq 6 ]
  assert_line --partial "did not answer within 1s"
}
