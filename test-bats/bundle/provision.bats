#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# The whole bundle on the simulator: the acceptance scenario and protocol discipline.

setup() {
  load 'bundle'
  sim_setup
}

@test "acceptance: Ubuntu 24.04, 4 CPU, 8 GB RAM, 50 GB disk" {
  run_bundle --os ubuntu-24.04 --cores 4 --memory 8G --disk 50G --name web1
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  assert_protocol
  mapfile -t lines <<<"$output"
  [ "${lines[0]}" = "LINUS_RESULT:SUCCESS" ]
  [ "${lines[1]}" = "LINUS_VM_ID:100" ]
  [[ "${lines[2]}" =~ ^LINUS_VM_IP:10\.233\.[0-9]+\.[0-9]+$ ]]
  [ "${lines[3]}" = "LINUS_VM_USER:ubuntu" ]
  [ "${lines[4]}" = "LINUS_VM_NAME:web1" ]
  [ "${lines[5]}" = "LINUS_VM_OS:ubuntu-24.04" ]
  [ "${lines[6]}" = "LINUS_VM_CPU:4" ]
  [ "${lines[7]}" = "LINUS_VM_RAM:8192" ]
  [ "${lines[8]}" = "LINUS_VM_DISK:50" ]
  [ "${lines[9]}" = "LINUS_VM_NODE:pve" ]
  [ "$(proto SSH_CHECK)" = login ]
  [[ "$(proto VM_HOST_KEY)" == SHA256:* ]]
  [[ "$(proto VM_IP_SOURCE)" =~ ^(agent|neighbour)$ ]]
  [ "$(vm_field 100 status)" = running ]
  [ "$(vm_conf 100 cores)" = 4 ]
  [ "$(vm_conf 100 memory)" = 8192 ]
  [[ "$(vm_conf 100 scsi0)" == local-lvm:vm-100-disk-0,*size=50G* ]]
  [[ "$(vm_conf 100 net0)" == virtio=*,bridge=vmbr0,firewall=1 ]]
  [ "$(vm_conf 100 tags)" = "linus;os-ubuntu-24.04" ]
  [ "$(vm_conf 100 cpu)" = x86-64-v2-AES ]
  [ "$(vm_conf 100 ciuser)" = ubuntu ]
  [ "$(vm_conf 100 ipconfig0)" = ip=dhcp ]
  [ "$(vm_conf 100 ciupgrade)" = 0 ]
  [ "$(vm_conf 100 boot)" = order=scsi0 ]
  [[ "$(vm_conf 100 ide2)" == local-lvm:vm-100-cloudinit* ]]
  # the host root's key is in the VM's keys (URL-encoded in the config)
  local blob
  blob="$(cut -d' ' -f2 "$HOME/.ssh/id_ed25519.pub")"
  blob="${blob//+/%2B}"
  [[ "$(vm_conf 100 sshkeys)" == *"${blob//\//%2F}"* ]]
  [ "$(vm_conf 100 cicustom)" = vendor=local:snippets/linus-100-vendor.yaml ]
  grep -q 'qemu-guest-agent' "$PVESIM_DIR/storage/local/snippets/linus-100-vendor.yaml"
  # one create carrying everything; a small number of Proxmox calls
  [ "$(pvesim calls --tool qm --match '^qm create' --count)" = 1 ]
  local n
  n="$(pvesim calls --args | grep -cE '^(qm|pvesh|pvesm|pveversion) ' | tr -d ' ')"
  n_polls="$(pvesim calls --args | grep -cE '^qm guest cmd' | tr -d ' ')"
  [ "$((n - n_polls))" -le 8 ] # polls: the agent; qm status counted here too (calls.bats has the budget)
  refute_call 'qm status (10[1-9]|1[1-9][0-9])'
  # no secret or temp file left; the known_hosts file for the VM exists
  [ -s "$LINUS_STATE_DIR/known_hosts/100" ]
  run ls /tmp/linus-run.* 2>/dev/null
}

@test "protocol: stdout only LINUS_ lines, JSON last; stderr has no LINUS_ line" {
  run_bundle --cores 2
  [ "$status" -eq 0 ]
  assert_protocol
  [[ "$stderr" == *"==> [create]"* ]]
  [[ "$(proto JSON)" == *'"vm_cpu":2'* ]]
}

@test "failure protocol: bad value gives exit 1 and FAILURE lines, JSON last" {
  run_bundle --cores 0
  [ "$status" -eq 1 ]
  assert_protocol
  [ "$(proto RESULT)" = FAILURE ]
  [ "$(proto ERROR_CODE)" = 1 ]
  [ "$(proto CLEANUP)" = none ]
  assert_no_mutating_calls
}

@test "a cached verified image is reused: the second run downloads only the checksum file" {
  run_bundle --name a1
  [ "$status" -eq 0 ]
  run_bundle --name a2
  [ "$status" -eq 0 ]
  [ "$(pvesim calls --match 'curl .*noble-server-cloudimg-amd64.img$' --count)" = 1 ]
  [ "$(pvesim calls --match 'curl .*SHA256SUMS' --count)" = 2 ]
  [ "$(proto VM_ID)" = 101 ]
}

@test "a name in use gives exit 7 naming the VM; nothing is created" {
  pvesim guest add 120 --name web1
  run_bundle --name web1
  [ "$status" -eq 7 ]
  [[ "$(proto ERROR)" == *"VM 120"* ]]
  assert_no_mutating_calls
}

@test "a start failure rolls back: VM, disks and snippet gone, CLEANUP destroyed" {
  pvesim start-error 'start failed: kvm: boom'
  run_bundle --name r1
  [ "$status" -eq 5 ]
  assert_protocol
  [ "$(proto ERROR_STEP)" = start ]
  [ "$(proto CLEANUP)" = destroyed ]
  [ "$(proto VM_ID)" = 100 ]
  run pvesim vm 100
  [ "$status" -ne 0 ]
  [ ! -e "$PVESIM_DIR/storage/local/snippets/linus-100-vendor.yaml" ]
  [ "$(pvesim volumes | tr -d ' \n')" = '{"local":{},"local-lvm":{}}' ]
}

@test "--keep-on-failure leaves the failed VM: CLEANUP kept" {
  pvesim start-error 'start failed'
  run_bundle --name k1 --keep-on-failure
  [ "$status" -eq 5 ]
  [ "$(proto CLEANUP)" = kept ]
  pvesim vm 100 >/dev/null
}

@test "--password: only the path of a root-only file is reported, never the secret" {
  run_bundle --name p1 --password
  [ "$status" -eq 0 ]
  local f
  f="$(proto VM_PASSWORD_FILE)"
  [ -f "$f" ]
  [ "$(stat -c %a "$f")" = 600 ]
  local pw
  pw="$(<"$f")"
  [ "${#pw}" -ge 16 ]
  [[ "$output$stderr" != *"$pw"* ]]
  assert_call '^qm set 100 --cipassword '
  refute_call '^qm create .*--cipassword'
}

@test "--help and --version: protocol lines on stdout, exit 0" {
  run_bundle --help
  [ "$status" -eq 0 ]
  assert_protocol
  [[ "$stderr" == *"Usage:"* ]]
  run_bundle --version
  [ "$status" -eq 0 ]
  assert_protocol
  [[ "$(proto SCRIPT_SHA256)" =~ ^[0-9a-f]{64}$ ]]
  [ -n "$(proto VERSION)" ]
}
