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
  IN_STEP_ARGS="--cores 4 --memory=8G" \
    run in_step 'chk_options; echo "$CFG_CORES $CFG_MEMORY $CFG_DISK $CFG_OS $CFG_USER"'
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
  IN_STEP_ARGS="--image-url https://example.com/x.img --image-sha256 $sum" \
    run in_step 'chk_options; echo "user=$CFG_USER"'
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = user=linus ]
  IN_STEP_ARGS="--image-url https://example.com/AlmaLinux-10-GenericCloud-10.1.x86_64.qcow2?sig=1 --image-sha256 $sum" \
    run in_step 'chk_options; echo "user=$CFG_USER"'
  [ "${lines[-1]}" = user=almalinux ]
  IN_STEP_ARGS="--image-url https://example.com/noble.img --image-sha256 $sum --user ops" \
    run in_step 'chk_options; echo "user=$CFG_USER"'
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
  IN_STEP_ARGS="check-options --name web1 --detach --reuse-existing" \
    run in_step 'act_check_options; echo "$CFG_DETACH$CFG_REUSE_EXISTING"'
  [ "$status" -eq 0 ]
  assert_line "LINUS_RESULT:VALID"
  [ "${lines[-1]}" = 11 ]
}

@test "every row of the option table: its flag sets its CFG, its env var is its default, its usage line is shown" {
  run in_step '
    usage="$(act_usage_text)" n=0
    printf -v nl "\n"
    for f in "${OPT_FLAGS[@]}"; do
      m="${OPT_META[$f]}" c="${OPT_CFG[$f]}" e="${OPT_ENV[$f]}"
      [[ "$f" == -* && "$m" != =* ]] || continue
      v=7; [[ "$m" != - ]] || v=1
      [[ "$m" == - ]] && a=("$f") || a=("$f" 7)
      got="$(opt_parse status "${a[@]}"; echo "${!c}")"
      [[ "$got" == "$v" ]] || echo "BAD flag $f: $c=$got"
      if [[ "$e" != - ]]; then
        got="$(export "$e=$v"; opt_parse status; echo "${!c}")"
        [[ "$got" == "$v" ]] || echo "BAD env $e: $c=$got"
      fi
      [[ "${OPT_HELP[$f]}" == - || "$usage" == *"$nl  $f "* ]] || echo "BAD usage: no line for $f"
      n=$((n + 1))
    done
    echo "rows=$n"'
  [ "$status" -eq 0 ]
  refute_output --partial BAD
  # every flag of the table with a value or a switch (not --help/--version): 29 today
  [[ "${lines[-1]}" =~ ^rows=([0-9]+)$ ]] && ((BASH_REMATCH[1] >= 29))
}

@test "the usage text: the options from the table, each with its env var and help" {
  run in_step 'act_usage_text 2>&1'
  assert_line "  --cores N            [VM_CPU] default 2"
  assert_line "  --ssh-key-file FILE  [SSH_PUBLIC_KEY_FILE]"
  assert_line "  --dry-run            [DRY_RUN=1] validate and print the plan; change nothing"
  assert_line "                       node's memory (above its free memory: a warning)"
  assert_line "Options of provision (env var in brackets; the flag wins):"
  refute_output --partial "  --gateway"
  refute_output --partial "  --timeout S"
}

@test "CFG_GIVEN counts --cores, --memory, --os, --image-url (flag or env), not defaults or other options" {
  VM_RAM=4G VM_DISK=30 IN_STEP_ARGS="--os debian --name web1 --vmid 150" run in_step 'echo "[$CFG_GIVEN]"'
  [ "${lines[-1]}" = "[ memory os ]" ]
}

@test "an unknown option, also as --flag=value, and an argument too many: exit 1" {
  IN_STEP_ARGS="--frobnicate=1" run in_step true
  [ "$status" -eq 1 ]
  assert_line "LINUS_ERROR:unknown option: --frobnicate"
  IN_STEP_ARGS="status 100 101" run in_step true
  [ "$status" -eq 1 ]
  assert_line "LINUS_ERROR:unexpected argument: 101"
}

@test "opt_set changes an option while validating; after opt_freeze it (exit 5) and a plain write fail" {
  run in_step \
    'chk_options; opt_set CFG_NODE pve2; echo "node=$CFG_NODE"; opt_freeze; opt_set CFG_NODE pve3; echo not-here'
  [ "$status" -eq 5 ]
  assert_line "node=pve2"
  assert_line "LINUS_ERROR:internal error: CFG_NODE changed after the options were validated"
  refute_line not-here
  # bash ends the run at once on a write to a readonly variable, naming it
  run in_step 'step_validate >/dev/null 2>&1; CFG_CORES=8; echo not-here'
  [ "$status" -ne 0 ]
  assert_line --partial "CFG_CORES: readonly variable"
  assert_line "LINUS_RESULT:FAILURE"
  refute_line not-here
  run in_step 'opt_set CFG_NOPE 1'
  [ "$status" -eq 5 ]
  assert_line --partial "opt_set of CFG_NOPE, which is no option"
}
