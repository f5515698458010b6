#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# pvesh and pvesm: PROXMOX-FACTS.md §7 (pvesh, nextid, node status, storage), §3 (sshkeys over the API), §8.

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
}

@test "§7 /nodes/NODE/status has NO status field" {
  run pvesh get /nodes/pve/status --output-format json
  assert_success
  run node -e 'const d=JSON.parse(process.argv[1]); console.log(("status" in d) + " " + d.pveversion.split("/")[0])' \
    "$output"
  assert_output 'false pve-manager'
}

@test "§7 node state is in /nodes (online/offline, stats omitted offline) and /cluster/status (online, local)" {
  sim_setup --nodes 3 --offline-node pve3
  run pvesh get /nodes --output-format json
  run node -e 'for (const n of JSON.parse(process.argv[1])) console.log(n.node, n.status, "maxcpu" in n)' "$output"
  assert_output $'pve online true\npve2 online true\npve3 offline false'
  run pvesh get /cluster/status --output-format json
  run node -e 'for (const n of JSON.parse(process.argv[1]))
    console.log(n.type, n.name, n.online ?? "-", n.local ?? "-", n.quorate ?? "-")' "$output"
  assert_output $'cluster simcluster - - 1\nnode pve 1 1 -\nnode pve2 1 0 -\nnode pve3 0 0 -'
}

@test "§7 a call proxied to an offline node fails" {
  sim_setup --nodes 3
  run --separate-stderr pvesh get /nodes/pve3/storage
  assert_equal "$status" 255
  assert_equal "$stderr" "500 Can't connect to 192.168.100.13:8006 (No route to host)"
}

@test "§7 /cluster/nextid: lowest id free across VMs AND containers on all nodes; text is bare" {
  sim_setup --nodes 3 --offline-node ''
  pvesim guest add 100
  pvesim guest add 101 --type lxc --node pve2
  pvesim guest add 103 --node pve3
  run pvesh get /cluster/nextid
  assert_output 102
  run pvesh get /cluster/nextid --output-format json
  assert_output '"102"'
}

@test "§8 /cluster/nextid reserves nothing: two callers get the same id" {
  a="$(pvesh get /cluster/nextid)"
  b="$(pvesh get /cluster/nextid)"
  assert_equal "$a" "$b"
}

@test "§7 /cluster/nextid --vmid N: N when free, 400 'vmid: VM N already exists' when taken" {
  pvesim guest add 100
  run pvesh get /cluster/nextid --vmid 150
  assert_output 150
  run --separate-stderr pvesh get /cluster/nextid --vmid 100
  assert_equal "$status" 255
  assert_equal "${stderr_lines[0]}" '400 Parameter verification failed.'
  assert_equal "${stderr_lines[1]}" 'vmid: VM 100 already exists'
}

@test "§7 /cluster/resources --type vm lists VMs and containers with type qemu|lxc" {
  pvesim guest add 100 --name web --status running --tags linus
  pvesim guest add 101 --type lxc
  run pvesh get /cluster/resources --type vm --output-format json
  run node -e 'for (const r of JSON.parse(process.argv[1])) console.log(r.id, r.type, r.status, r.tags ?? "-")' \
    "$output"
  assert_output $'qemu/100 qemu running linus\nlxc/101 lxc stopped -'
}

@test "§7 /nodes/N/storage --content images and /nodes/N/storage/S/status; unknown storage errors" {
  pvesim storage add local-zfs --type zfspool --total-gib 500 --free-gib 100
  run pvesh get /nodes/pve/storage --content images --output-format json
  run node -e 'console.log(JSON.parse(process.argv[1]).map(s => s.storage + ":" + s.type).join(" "))' "$output"
  assert_output 'local-lvm:lvmthin local-zfs:zfspool'
  run pvesh get /nodes/pve/storage/local-zfs/status --output-format json
  run node -e 'const s=JSON.parse(process.argv[1]); console.log(s.avail === 100*1024**3, s.type, s.active)' "$output"
  assert_output 'true zfspool 1'
  run --separate-stderr pvesh get /nodes/pve/storage/fast/status
  assert_equal "${stderr_lines[1]}" 'storage: No such storage.'
  run --separate-stderr pvesh get /storage/fast
  assert_equal "$stderr" "storage 'fast' does not exist"
}

@test "§7 /nodes/N/network --type bridge lists bridges with bridge_vlan_aware only when set" {
  pvesim bridge add vmbr1 --vlan-aware
  run pvesh get /nodes/pve/network --type bridge --output-format json
  run node -e 'for (const b of JSON.parse(process.argv[1])) console.log(b.iface, b.type, b.bridge_vlan_aware ?? 0)' \
    "$output"
  assert_output $'vmbr0 bridge 0\nvmbr1 bridge 1'
}

@test "§3 sshkeys through pvesh must be strictly url-encoded" {
  qm create 100
  key="$(cat "$HOME/.ssh/id_ed25519.pub")"
  run --separate-stderr pvesh set /nodes/pve/qemu/100/config --sshkeys "$key"
  assert_equal "$status" 255
  assert_equal "${stderr_lines[1]}" "sshkeys: invalid format - invalid urlencoded string: $key"
  run --separate-stderr pvesh set /nodes/pve/qemu/100/config --sshkeys 'ssh-ed25519+AAAA'
  assert_equal "$status" 255
  enc="$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]+"\n"))' "$key")"
  run pvesh set /nodes/pve/qemu/100/config --sshkeys "$enc"
  assert_success
  run --separate-stderr pvesh set /nodes/pve/qemu/100/config --sshkeys 'not%20a%20key'
  assert_equal "$stderr" 'SSH public key validation error'
}

@test "§7 pvesh create runs the task in the foreground: UPID on stdout, exit 0 even when the task fails" {
  run --separate-stderr pvesh create /nodes/pve/qemu --vmid 100 --scsi0 local:8
  assert_success
  assert_output --regexp '^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]+:qmcreate:100:root@pam:$'
  assert_equal "$stderr" 'storage local does not support vm images'
  run qm status 100
  assert_failure
}

@test "§7 unknown pvesh options fail like qm's" {
  run --separate-stderr pvesh create /nodes/pve/qemu --vmid 100 --bogus 1
  assert_equal "$status" 255
  assert_equal "${stderr_lines[1]}" '400 unable to parse option'
}

@test "§7 text output: scalars bare, objects as a table, --noborder --noheader parseable" {
  run pvesh get /nodes/pve/storage/local-lvm/status --noborder 1 --noheader 1
  assert_line --regexp '^type +lvmthin$'
}

@test "ARCHITECTURE: pvesm path local:snippets/NAME is a writable path under PVESIM_DIR; pvesm status --content" {
  run pvesm path local:snippets/x.yaml
  assert_output "$PVESIM_DIR/storage/local/snippets/x.yaml"
  echo hi >"$output"
  run pvesm list local --content snippets
  assert_line --regexp '^local:snippets/x.yaml +snippet +snippets +3 $'
  run pvesm status --content images
  assert_line --index 0 --regexp '^Name +Type +Status +Total +Used +Available +%$'
  assert_line --index 1 --regexp '^local-lvm +lvmthin +active +209715200 +'
  refute_output --partial 'local '
}

@test "pveversion prints pve-manager/VERSION per the configured version" {
  sim_setup --version 7.4
  run pveversion
  assert_output --regexp '^pve-manager/7\.4\.3/[0-9a-f]+ \(running kernel: 5\.15'
  run hostname
  assert_output pve
}
