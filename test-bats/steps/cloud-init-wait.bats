#!/usr/bin/env bats
# shellcheck disable=SC2016 # up takes bash code as a string: its $ expand in the step's shell
# steps/ssh.sh, the cloud-init wait: progress like the IP wait, no tool output, cloud-init's result.

setup() {
  load 'steps'
  steps_init
  export LINUS_PROGRESS_EVERY=1
}

# up 'CODE': validate, image, create, start, network, then CODE.
up() {
  run in_step "$(validated "step_image >/dev/null 2>&1; step_create >/dev/null 2>&1; \
    step_start >/dev/null 2>&1; step_network >/dev/null 2>&1; $1")"
}

@test "progress lines while cloud-init runs; its dots and 'status: done' are not shown" {
  pvesim timing --cloudinit 2 >/dev/null
  up 'step_ssh; echo "ci=${VM[cloud_init]}"'
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  assert_line "ci=done"
  assert_line --regexp '^\.\.\. waiting for cloud-init in VM 100 [0-9]+s/180s$'
  assert_line --regexp '^ok: logged in as ubuntu@10\.233\.0\.10; cloud-init done; host key SHA256:'
  refute_output --partial 'status: done'
  refute_line --regexp '^\.+$'
  refute_line ''
}

@test "progress is printed no more often than the IP wait's (LINUS_PROGRESS_EVERY)" {
  pvesim timing --cloudinit 2 >/dev/null
  LINUS_PROGRESS_EVERY=600 up 'step_ssh'
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  [ "$(grep -c '^\.\.\. waiting for cloud-init' <<<"$output")" -eq 1 ]
}

@test "cloud-init error: a warning, the run goes on, CLOUD_INIT_STATUS=error" {
  pvesim cloud-init error
  up 'step_ssh; echo "ci=${VM[cloud_init]} check=${VM[ssh_check]}"'
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  assert_line "ci=error check=login"
  assert_line --partial "warning: cloud-init reported an error (see /var/log/cloud-init.log in the VM)"
  refute_output --partial 'status: error'
}

@test "cloud-init degraded (exit 2): a warning, CLOUD_INIT_STATUS=degraded" {
  pvesim cloud-init degraded
  up 'step_ssh; echo "ci=${VM[cloud_init]}"'
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  assert_line "ci=degraded"
  assert_line --partial "warning: cloud-init finished with recoverable errors"
  refute_output --partial 'status: done'
}

@test "cloud-init not done within --ssh-timeout: exit 6, says the login works" {
  pvesim timing --cloudinit 600 >/dev/null
  IN_STEP_ARGS="--ssh-timeout 3" up 'step_ssh'
  [ "$status" -eq 6 ] || {
    echo "$output"
    false
  }
  assert_line --regexp \
    '^LINUS_ERROR:cloud-init in VM 100 did not finish within 3s \(the login as ubuntu@10\.233\.0\.10 works\)$'
  assert_line --partial "LINUS_REMEDIATION:see /var/log/cloud-init-output.log in the VM"
  assert_line "LINUS_CLEANUP:destroyed"
}

@test "a login that never works: exit 6 with ssh's last error, not a line per attempt" {
  IN_STEP_ARGS="--ssh-timeout 2" up 'qm set 100 --delete sshkeys >/dev/null 2>&1; step_ssh'
  [ "$status" -eq 6 ] || {
    echo "$output"
    false
  }
  local re='^LINUS_ERROR:could not log in as ubuntu@10\.233\.0\.10 with .* within 2s '
  re+='\(ubuntu@10\.233\.0\.10: Permission denied \(publickey\)\.\)$'
  assert_line --regexp "$re"
  refute_line --regexp '^ubuntu@.*Permission denied'
  assert_line "LINUS_CLEANUP:destroyed"
}
