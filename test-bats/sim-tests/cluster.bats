#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# Remote nodes: pvesh on /nodes/NODE/..., per-node files, download-url, ssh root@node. Sources:
# pve-manager PVE/CLI/pvesh.pm (proxyto, worker tasks, UPID); qemu-server @ e6352be6
# src/PVE/API2/Qemu.pm (create_vm, clone_vm, template: `proxyto => 'node'`); pve-storage @ 0c56bad8
# src/PVE/API2/Storage/Status.pm (`download_url`); pve-common src/PVE/Tools.pm
# (`download_file_from_url` messages); pve-cluster SSHInfo (ssh root@IP between nodes).

bats_require_minimum_version 1.5.0

URL=https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup --nodes 3
  IMG="$(sim_image "$URL")"
  SUM="$(sha256sum "$IMG" | cut -d' ' -f1)"
}

@test "download-url onto pve2: checksum verified, the file is on pve2 only; a second call keeps it" {
  run --separate-stderr pvesh create /nodes/pve2/storage/local/download-url --content import --filename noble.qcow2 \
    --url "$URL" --checksum "$SUM" --checksum-algorithm sha256
  assert_success
  assert_line --index 1 'calculating checksum...OK, checksum verified'
  assert_line --regexp '^UPID:pve2:.*:download:noble.qcow2:root@pam:$'
  run pvesh get /nodes/pve2/storage/local/content --content import --output-format json
  assert_output --partial '"volid":"local:import/noble.qcow2"'
  run pvesh get /nodes/pve/storage/local/content --content import --output-format json
  assert_output '[]'
  run pvesh create /nodes/pve2/storage/local/download-url --content import --filename noble.qcow2 --url "$URL" \
    --checksum "$SUM" --checksum-algorithm sha256
  assert_line --index 1 'calculating checksum of existing file...OK, got correct file already, no need to download'
}

@test "download-url: checksum mismatch (exit 0, error on stderr, no file); a block storage; a wrong extension" {
  run --separate-stderr pvesh create /nodes/pve2/storage/local/download-url --content import --filename noble.qcow2 \
    --url "$URL" --checksum 0000 --checksum-algorithm sha256
  assert_success
  assert_equal "$stderr" "checksum mismatch: got '$SUM' != expect '0000'"
  run pvesh get /nodes/pve2/storage/local/content --content import --output-format json
  assert_output '[]'
  run --separate-stderr pvesh create /nodes/pve2/storage/local-lvm/download-url --content import \
    --filename noble.qcow2 --url "$URL"
  assert_equal "$status" 255
  assert_equal "$stderr" "can't upload to storage type 'lvmthin', not a file based storage!"
  run --separate-stderr pvesh create /nodes/pve2/storage/local/download-url --content import --filename noble.img \
    --url "$URL"
  assert_equal "$status" 255
  assert_equal "$stderr" $'400 Parameter verification failed.\nfilename: invalid filename or wrong extension'
}

@test "create on a remote node: import-from is resolved on THAT node (its local storage, its own paths)" {
  run --separate-stderr pvesh create /nodes/pve2/qemu --vmid 300 --scsi0 "local-lvm:0,import-from=$IMG"
  assert_success
  assert_equal "$stderr" "$IMG: non-existent or non-regular file"
  cp "$IMG" "$(pvesim node-path pve2 "$IMG")"
  run pvesh create /nodes/pve2/qemu --vmid 300 --name r1 --net0 virtio,bridge=vmbr0 \
    --scsi0 "local-lvm:0,import-from=$IMG" --ide2 local-lvm:cloudinit
  assert_success
  assert_line "scsi0: successfully created disk 'local-lvm:vm-300-disk-0,size=3584M'"
  run --separate-stderr qm config 300
  assert_equal "$stderr" "Configuration file 'nodes/pve/qemu-server/300.conf' does not exist"
  pvesh create /nodes/pve2/storage/local/download-url --content import --filename noble.qcow2 --url "$URL" \
    --checksum "$SUM" --checksum-algorithm sha256 >/dev/null
  run pvesh create /nodes/pve2/qemu --vmid 301 --scsi0 local-lvm:0,import-from=local:import/noble.qcow2
  assert_success
  run pvesh get /nodes/pve2/storage/local-lvm/content --output-format json
  run node -e 'console.log(JSON.parse(process.argv[1]).map((v) => v.volid).sort().join(" "))' "$output"
  assert_output 'local-lvm:vm-300-cloudinit local-lvm:vm-300-disk-0 local-lvm:vm-301-disk-0'
  run pvesh get /nodes/pve/storage/local-lvm/content --output-format json
  assert_output '[]'
}

@test "remote node: template, clone, config, resize, start, status/current, agent; offline node refused" {
  cp "$IMG" "$(pvesim node-path pve2 "$IMG")"
  pvesim image-agent 1
  IMG2="$(sim_image "$URL")"
  cp "$IMG2" "$(pvesim node-path pve2 "$IMG")"
  pvesh create /nodes/pve2/qemu --vmid 9000 --name tpl --agent 1 --net0 virtio,bridge=vmbr0 \
    --scsi0 "local-lvm:0,import-from=$IMG" --ide2 local-lvm:cloudinit --boot order=scsi0 >/dev/null
  run pvesh create /nodes/pve2/qemu/9000/template
  assert_success
  run pvesh create /nodes/pve2/qemu/9000/clone --newid 301 --name web1
  assert_success
  assert_line 'create linked clone of drive scsi0 (local-lvm:base-9000-disk-0)'
  run pvesh set /nodes/pve2/qemu/301/config --ipconfig0 ip=dhcp --ciuser ubuntu
  assert_success
  run --separate-stderr pvesh set /nodes/pve2/qemu/301/resize --disk scsi0 --size 20G
  assert_success
  pvesh create /nodes/pve2/qemu/301/status/start >/dev/null
  run pvesh get /nodes/pve2/qemu/301/status/current --output-format json
  assert_output --partial '"status":"running"'
  pvesim clock 5
  run pvesh get /nodes/pve2/qemu/301/agent/network-get-interfaces --output-format json
  assert_output --partial '"name":"eth0"'
  run pvesh get /nodes/pve2/qemu/301/config --output-format json
  assert_output --partial '"scsi0":"local-lvm:vm-301-disk-0,size=20G"'
  run --separate-stderr pvesh create /nodes/pve3/qemu --vmid 400
  assert_equal "$status" 255
  assert_equal "$stderr" "500 Can't connect to 192.168.100.13:8006 (No route to host)"
}

@test "ssh root@NODE-IP writes into that node's files; an offline node has no route; only root" {
  snip="$(pvesm path local:snippets/v.yaml)"
  run bash -c "printf 'x: 1\n' | ssh -e none -o BatchMode=yes -o HostKeyAlias=pve2 root@192.168.100.12 \\
    'mkdir -p ${snip%/*} && cat > $snip && sha256sum $snip'"
  assert_success
  assert_output "$(printf 'x: 1\n' | sha256sum | cut -d' ' -f1)  $snip"
  [ ! -e "$snip" ]
  [ "$(cat "$(pvesim node-path pve2 "$snip")")" = 'x: 1' ]
  run --separate-stderr ssh root@192.168.100.13 true
  assert_equal "$status" 255
  assert_equal "$stderr" 'ssh: connect to host 192.168.100.13 port 22: No route to host'
  run --separate-stderr ssh admin@192.168.100.12 true
  assert_equal "$stderr" 'admin@192.168.100.12: Permission denied (publickey).'
}

@test "a vendor snippet on a non-shared storage must exist on the VM's node to start it" {
  cp "$IMG" "$(pvesim node-path pve2 "$IMG")"
  snip="$(pvesm path local:snippets/v.yaml)"
  printf 'packages: [qemu-guest-agent]\n' >"$snip"
  pvesh create /nodes/pve2/qemu --vmid 300 --net0 virtio,bridge=vmbr0 --scsi0 "local-lvm:0,import-from=$IMG" \
    --ide2 local-lvm:cloudinit --cicustom vendor=local:snippets/v.yaml >/dev/null
  run --separate-stderr pvesh create /nodes/pve2/qemu/300/status/start
  assert_success
  assert_equal "$stderr" "can't find file 'local:snippets/v.yaml'"
  # shellcheck disable=SC2029 # the snippet path is expanded here on purpose: pve2 gets it literal
  printf 'packages: [qemu-guest-agent]\n' | ssh root@192.168.100.12 "mkdir -p ${snip%/*} && cat > $snip"
  run --separate-stderr pvesh create /nodes/pve2/qemu/300/status/start
  assert_success
  assert_equal "$stderr" ''
}

@test "ssh root@NODE: mv -f of a temp file (\$\$ is the remote shell's pid), rm -f -- P" {
  snip="$(pvesm path local:snippets/v.yaml)"
  printf 'x: 2\n' | ssh -e none -o BatchMode=yes root@pve2 \
    "mkdir -p ${snip%/*} && cat > ${snip}.tmp.\$\$ && mv -f ${snip}.tmp.\$\$ ${snip}"
  [ "$(cat "$(pvesim node-path pve2 "$snip")")" = 'x: 2' ]
  run ls "$(dirname "$(pvesim node-path pve2 "$snip")")"
  assert_output 'v.yaml'
  run --separate-stderr ssh root@pve2 "mv -f ${snip}.nope ${snip}.x"
  assert_equal "$status" 1
  assert_equal "$stderr" "mv: cannot move '${snip}.nope' to '${snip}.x': No such file or directory"
  # shellcheck disable=SC2029 # the path is meant to expand here, on the client
  ssh root@pve2 "rm -f -- ${snip}"
  [ ! -e "$(pvesim node-path pve2 "$snip")" ]
}

@test "ssh root@NODE ip neigh show: that node's running VMs only (a node learns only its own VMs' MACs)" {
  pvesim guest add 301 --node pve2 --status running >/dev/null
  pvesim guest add 302 --status running >/dev/null
  pvesim clock 600 >/dev/null
  ip2="$(pvesim ip 301)" ip1="$(pvesim ip 302)"
  [ -n "$ip2" ] && [ -n "$ip1" ]
  run ssh -e none -o BatchMode=yes -o ConnectTimeout=10 root@pve2 ip neigh show dev vmbr0
  assert_success
  assert_output --regexp "^${ip2//./\\.} lladdr [0-9a-f:]{17} REACHABLE$"
  run ssh root@pve2 ip neigh show
  assert_output --regexp "^${ip2//./\\.} dev vmbr0 lladdr [0-9a-f:]{17} REACHABLE$"
  # the local table has the local VM only
  run ip neigh show dev vmbr0
  assert_output --regexp "^${ip1//./\\.} lladdr "
  refute_output --partial "$ip2 "
  run ssh root@pve2 ip neigh show dev vmbr9
  assert_success
  assert_output ''
}
