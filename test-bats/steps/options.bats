#!/usr/bin/env bats
# shellcheck disable=SC2016 # in_step, validated and chk take bash code as a string: its $ expand in the step's shell
# lib-sh/options.sh: env vars and flags into CFG_*, the flag winning; value checks with exit codes.

setup() {
  load 'steps'
  steps_init
}

@test "defaults" {
  run in_step 'chk_options; echo "$CFG_CORES $CFG_MEMORY $CFG_DISK $CFG_OS $CFG_STORAGE $CFG_BRIDGE $CFG_IP $CFG_USER"'
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "2 2048 20 ubuntu-24.04 local-lvm vmbr0 dhcp ubuntu" ]
}

@test "env vars are read; the flag wins; sizes are normalised" {
  export VM_CPU=3 VM_RAM=4G VM_DISK=40G VM_OS=debian
  IN_STEP_ARGS="--cores 4 --memory=8G" run in_step 'chk_options; echo "$CFG_CORES $CFG_MEMORY $CFG_DISK $CFG_OS $CFG_USER"'
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "4 8192 40 debian-13 debian" ]
}

@test "env VM_ID and VM_IP become --vmid/--ip and are no state" {
  export VM_ID=150 VM_IP=10.1.2.3/24 VM_GATEWAY=10.1.2.1
  run in_step 'chk_options; echo "$CFG_VMID $CFG_IP [${VM_ID-unset}] [${VM_IP-unset}] [${VM[id]}] [${VM[ip]}]"'
  [ "${lines[-1]}" = "150 10.1.2.3/24 [unset] [unset] [] []" ]
}

@test "a bad value: exit 1 naming the option" {
  IN_STEP_ARGS="--memory 100" run in_step chk_options
  [ "$status" -eq 1 ]
  assert_line --partial "LINUS_ERROR:--memory '100'"
  assert_line "LINUS_ERROR_STEP:options"
}

@test "unknown option: exit 1" {
  IN_STEP_ARGS="--frobnicate" run in_step true
  [ "$status" -eq 1 ]
  assert_line "LINUS_ERROR:unknown option: --frobnicate"
}

@test "a flag without its value: exit 3" {
  IN_STEP_ARGS="--cores" run in_step true
  [ "$status" -eq 3 ]
}

@test "static --ip without --gateway: exit 3; gateway outside the subnet: exit 1" {
  IN_STEP_ARGS="--ip 10.0.0.5/24" run in_step chk_options
  [ "$status" -eq 3 ]
  assert_line --partial "needs --gateway"
  IN_STEP_ARGS="--ip 10.0.0.5/24 --gateway 10.0.1.1" run in_step chk_options
  [ "$status" -eq 1 ]
}

@test "--image-url needs --image-sha256 (exit 3); a bad sha256 is exit 1; --user defaults from the file name" {
  local sum
  sum="$(printf 'a%.0s' {1..64})"
  IN_STEP_ARGS="--image-url https://example.com/x.img" run in_step chk_options
  [ "$status" -eq 3 ]
  assert_line --partial "needs --image-sha256"
  IN_STEP_ARGS="--image-url https://example.com/x.img --image-sha256 abc --user u" run in_step chk_options
  [ "$status" -eq 1 ]
  IN_STEP_ARGS="--image-url https://example.com/x.img --image-sha256 $sum" run in_step 'chk_options; echo "user=$CFG_USER"'
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = user=linus ]
  IN_STEP_ARGS="--image-url https://example.com/AlmaLinux-10-GenericCloud-10.1.x86_64.qcow2?sig=1 --image-sha256 $sum" \
    run in_step 'chk_options; echo "user=$CFG_USER"'
  [ "${lines[-1]}" = user=almalinux ]
  IN_STEP_ARGS="--image-url https://example.com/noble.img --image-sha256 $sum --user ops" run in_step 'chk_options; echo "user=$CFG_USER"'
  [ "${lines[-1]}" = user=ops ]
  IN_STEP_ARGS="--image-url https://example.com/noble.img --image-sha256 $sum --user Bad!" run in_step chk_options
  [ "$status" -eq 1 ]
}

@test "a private key given as --ssh-key is refused and never repeated" {
  IN_STEP_ARGS="" run in_step 'CFG_SSH_KEYS="-----BEGIN OPENSSH PRIVATE KEY----- SECRETSTUFF"; chk_options'
  [ "$status" -eq 1 ]
  refute_output --partial SECRETSTUFF
}

@test "--no-host-key without any key or password: exit 3" {
  IN_STEP_ARGS="--no-host-key" run in_step chk_options
  [ "$status" -eq 3 ]
}

@test "check-options action: VALID" {
  IN_STEP_ARGS="check-options --cores 4" run in_step act_check_options
  [ "$status" -eq 0 ]
  assert_line "LINUS_RESULT:VALID"
}

@test "check-options: --ssh-key-file need not exist here (it is on the Proxmox host); provision still reads it" {
  IN_STEP_ARGS="check-options --ssh-key-file /nonexistent/keys.pub" run in_step act_check_options
  [ "$status" -eq 0 ]
  assert_line "LINUS_RESULT:VALID"
  IN_STEP_ARGS="--ssh-key-file /nonexistent/keys.pub" run in_step chk_options
  [ "$status" -eq 1 ]
  assert_line --partial "cannot be read"
}

@test "check-options accepts --detach and --reuse-existing" {
  IN_STEP_ARGS="check-options --name web1 --detach --reuse-existing" run in_step 'act_check_options; echo "$CFG_DETACH$CFG_REUSE_EXISTING"'
  [ "$status" -eq 0 ]
  assert_line "LINUS_RESULT:VALID"
  [ "${lines[-1]}" = 11 ]
}
