#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# The guests' SSH host keys: ecdsa and ed25519, printed by ssh-keyscan in that order, ed25519
# recorded by ssh; `pvesim host-key ID [TYPE]` shows them.

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
  pvesim timing --boot 0 --dhcp 1 --ssh 2 --cloudinit 1 --upgrade 0 >/dev/null
  img="$(sim_image)"
  qm create 100 --name web1 --net0 virtio,bridge=vmbr0 --scsi0 "local-lvm:0,import-from=$img" \
    --ide2 local-lvm:cloudinit --ciuser ubuntu --sshkeys "$HOME/.ssh/id_ed25519.pub" --ipconfig0 ip=dhcp >/dev/null
  qm start 100 >/dev/null
  pvesim clock 2.1
}

@test "ssh-keyscan without -t: the ecdsa key, then the ed25519 key; -t picks; pvesim host-key shows the same keys" {
  run --separate-stderr ssh-keyscan -T 2 10.233.0.10
  assert_success
  assert_equal "${#lines[@]}" 2
  assert_equal "${lines[0]}" "10.233.0.10 $(pvesim host-key 100 ecdsa)"
  assert_equal "${lines[1]}" "10.233.0.10 $(pvesim host-key 100)"
  [[ "${lines[0]}" =~ ^10\.233\.0\.10\ ecdsa-sha2-nistp256\ AAAA[A-Za-z0-9+/=]+$ ]]
  [[ "${lines[1]}" =~ ^10\.233\.0\.10\ ssh-ed25519\ AAAA[A-Za-z0-9+/=]+$ ]]
  run --separate-stderr ssh-keyscan -T 2 -t ecdsa 10.233.0.10
  assert_output "10.233.0.10 $(pvesim host-key 100 ecdsa)"
  run --separate-stderr ssh-keyscan -T 2 -t rsa 10.233.0.10
  assert_failure
  assert_output ''
}

@test "ssh records the ed25519 key (accept-new); ssh-keygen -l of the scan lists both types" {
  kh="$BATS_TEST_TMPDIR/known_hosts"
  run --separate-stderr ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
    -o UserKnownHostsFile="$kh" ubuntu@10.233.0.10 true
  assert_success
  assert_equal "$(cat "$kh")" "10.233.0.10 $(pvesim host-key 100)"
  ssh-keyscan -T 2 10.233.0.10 >"$BATS_TEST_TMPDIR/scan" 2>/dev/null
  run ssh-keygen -l -E sha256 -f "$BATS_TEST_TMPDIR/scan"
  assert_success
  assert_line --regexp '^256 SHA256:[A-Za-z0-9+/]{43} 10\.233\.0\.10 \(ECDSA\)$'
  assert_line --regexp '^256 SHA256:[A-Za-z0-9+/]{43} 10\.233\.0\.10 \(ED25519\)$'
}

@test "pvesim host-key: an unknown guest or key type is an error (exit 2)" {
  run --separate-stderr pvesim host-key 999
  assert_equal "$status" 2
  assert_equal "$stderr" 'no guest 999'
  run --separate-stderr pvesim host-key 100 dsa
  assert_equal "$status" 2
  assert_equal "$stderr" 'usage: pvesim host-key ID [ecdsa|ed25519]'
}
