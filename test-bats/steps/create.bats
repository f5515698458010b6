#!/usr/bin/env bats
# shellcheck disable=SC2016 # create/in_step take bash code as a string: its $ expand in the step's shell
# steps/create.sh and lib-sh/cloudinit.sh: id allocation, the one qm create, resize check, password.

setup() {
  load 'steps'
  steps_init
}

create() { run in_step "$(validated "step_image >/dev/null 2>&1; $1")"; }

@test "nextid, one qm create with the whole config, resize checked in qm config" {
  create 'step_create; echo "id=${VM[id]} mac=${VM[mac]}"'
  [ "$status" -eq 0 ]
  assert_line --regexp '^id=100 mac=bc:24:11(:[0-9a-f]{2}){3}$'
  assert_call '^pvesh get /cluster/nextid'
  local want='^qm create 100 --name linus-vm-100 --cores 2 --memory 2048 --cpu x86-64-v2-AES'
  want+=' --scsihw virtio-scsi-single --net0 virtio,bridge=vmbr0,firewall=1 --serial0 socket --vga serial0'
  want+=' --agent enabled=1 --tags linus;os-ubuntu-24.04 --ostype l26 --scsi0 local-lvm:0,import-from=/'
  assert_call "$want"
  want='^qm create 100 .* --ide2 local-lvm:cloudinit --ciuser ubuntu --sshkeys /[^ ]+ --ipconfig0 ip=dhcp'
  want+=' --ciupgrade 0 --cicustom vendor=local:snippets/linus-100-vendor.yaml$'
  assert_call "$want"
  assert_call '^qm resize 100 scsi0 20G$'
  assert_call '^qm config 100$'
  refute_call '^qm (importdisk|disk import|set 100 --scsi0)'
}

@test "a lost race (already exists) asks nextid again and retries" {
  pvesim fault qm '^create 100 ' --count 1 \
    --error "unable to create VM 100 - VM 100 already exists on node 'pve'" --exit 255
  create 'step_create; echo "id=${VM[id]}"'
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  assert_line "id=100"
  assert_output --partial "was taken meanwhile"
  # (a nextid --vmid check of the lost id, for its snippet, is not an allocation)
  [ "$(pvesim calls --match '^pvesh get /cluster/nextid --output' --count)" = 2 ]
  [ "$(pvesim calls --match '^qm create' --count)" = 2 ]
  [ -e "$PVESIM_DIR/storage/local/snippets/linus-100-vendor.yaml" ]
}

@test "five lost races in a row: exit 5" {
  pvesim fault qm '^create ' --count 0 \
    --error "unable to create VM 100 - VM 100 already exists on node 'pve'" --exit 255
  create step_create
  [ "$status" -eq 5 ] || {
    echo "$output"
    false
  }
  [ "$(pvesim calls --match '^qm create' --count)" = 5 ]
}

@test "--vmid is honoured; taken between check and create: exit 7" {
  IN_STEP_ARGS="--vmid 555" create 'step_create; echo "id=${VM[id]}"'
  [ "$status" -eq 0 ]
  assert_line "id=555"
  refute_call '^pvesh get /cluster/nextid'
  pvesim fault qm '^create 556 ' --error "unable to create VM 556 - VM 556 already exists on node 'pve'" --exit 255
  IN_STEP_ARGS="--vmid 556" create step_create
  [ "$status" -eq 7 ]
}

@test "qm create failing otherwise: exit 5 with its message, nothing left" {
  pvesim fault qm '^create ' --error "storage 'local-lvm' does not support vm images" --exit 255
  create step_create
  [ "$status" -eq 5 ]
  assert_line --partial "LINUS_ERROR:qm create failed: storage 'local-lvm' does not support vm images"
  assert_line "LINUS_CLEANUP:none"
  [ -z "$(ls -A "$PVESIM_DIR/storage/local/snippets" 2>/dev/null)" ]
}

@test "a resize that fails but exits 0 (PVE 8) is caught from qm config: exit 5, VM rolled back" {
  pvesim fault qm '^resize ' --error "shrinking disks is not supported" --exit 0
  create step_create
  [ "$status" -eq 5 ]
  assert_line --partial "after resizing to 20G"
  assert_line "LINUS_CLEANUP:destroyed"
  assert_call '^qm destroy 100 --purge 1 --destroy-unreferenced-disks 1'
}

@test "no id free: exit 5" {
  pvesim fault pvesh '/cluster/nextid' --error 'unable to get any free VMID in range [100, 1000000]' --exit 255
  create step_create
  [ "$status" -eq 5 ]
  assert_line --partial "no free VM id"
}

@test "keys file: user keys plus the host key, mode 600; --no-host-key leaves the host key out" {
  local k
  k="$(cat "$HOME/.ssh/id_ed25519.pub")"
  ssh-keygen -q -t ed25519 -N '' -C user@laptop -f "$BATS_TEST_TMPDIR/u"
  IN_STEP_ARGS="--ssh-key-file $BATS_TEST_TMPDIR/u.pub" \
    run in_step "$(validated 'ci_keys_file; stat -c %a "$CI_KEYS_FILE"; cat "$CI_KEYS_FILE"')"
  assert_line 600
  assert_line "$k"
  assert_line --partial "user@laptop"
  IN_STEP_ARGS="--ssh-key-file $BATS_TEST_TMPDIR/u.pub --no-host-key" \
    run in_step "$(validated 'ci_keys_file; cat "$CI_KEYS_FILE"')"
  refute_line "$k"
}

@test "cloud-init options: static IP, DNS; no ciupgrade on 7.4; no cicustom without snippets" {
  steps_init --version 7.4
  pvesim storage set local --content iso,vztmpl,backup
  IN_STEP_ARGS="--ip 10.1.1.9/24 --gateway 10.1.1.1 --dns 1.1.1.1,8.8.8.8" \
    run in_step "$(validated 'ci_snippet_dir; ci_write_snippet 100; ci_args a; printf "%s|" "${a[@]}"')"
  [ "$status" -eq 0 ]
  assert_output --partial "--ipconfig0|ip=10.1.1.9/24,gw=10.1.1.1|--nameserver|1.1.1.1 8.8.8.8|"
  refute_output --partial "ciupgrade"
  refute_output --partial "cicustom"
}

@test "--password: set with qm set after create, file 600, secret nowhere in the output" {
  IN_STEP_ARGS="--password" create 'step_create; echo "file=${VM[password_file]}"'
  [ "$status" -eq 0 ]
  local f="$LINUS_STATE_DIR/passwords/vm-100.password"
  assert_line "file=$f"
  [ "$(stat -c %a "$f")" = 600 ]
  refute_output --partial "$(cat "$f")"
  assert_call '^qm set 100 --cipassword '
}
