#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# DHCP, the neighbour table, ssh and ssh-keyscan of simulated VMs (ISSUE 3: private addresses only).

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
  kh="$BATS_TEST_TMPDIR/known_hosts"
}

@test "DHCP: no neighbour entry before the DHCP delay; then 'IP lladdr MAC REACHABLE' on vmbr0" {
  run ip neigh show dev vmbr0
  assert_output ''
  pvesim clock 1.1
  mac="$(qm config 100 | sed -n 's/^net0: virtio=\([^,]*\),.*/\1/p' | tr 'A-F' 'a-f')"
  run ip neigh show dev vmbr0
  assert_output "10.233.0.10 lladdr $mac REACHABLE"
  run ip neigh show
  assert_output "10.233.0.10 dev vmbr0 lladdr $mac REACHABLE"
}

@test "static ipconfig0 gives that address" {
  qm stop 100
  qm set 100 --ipconfig0 ip=10.233.5.7/24,gw=10.233.5.1 >/dev/null
  qm start 100 >/dev/null
  run pvesim ip 100
  assert_output 10.233.5.7
}

@test "ip link show of a missing bridge fails like iproute2" {
  run --separate-stderr ip link show vmbr9
  assert_equal "$status" 1
  assert_equal "$stderr" 'Device "vmbr9" does not exist.'
}

@test "ssh before sshd is up: Connection refused, exit 255; unknown address: No route to host" {
  pvesim clock 1.1
  run --separate-stderr ssh -o BatchMode=yes ubuntu@10.233.0.10 true
  assert_equal "$status" 255
  assert_equal "$stderr" 'ssh: connect to host 10.233.0.10 port 22: Connection refused'
  run --separate-stderr ssh -o BatchMode=yes ubuntu@10.233.9.9 true
  assert_equal "$stderr" 'ssh: connect to host 10.233.9.9 port 22: No route to host'
}

@test "ssh-keyscan prints the VM's host key once sshd is up; accept-new writes it to UserKnownHostsFile" {
  run ssh-keyscan -T 2 10.233.0.10
  assert_failure
  assert_output ''
  pvesim clock 2.1
  run --separate-stderr ssh-keyscan -T 2 -t ed25519 10.233.0.10
  assert_success
  assert_output --regexp '^10\.233\.0\.10 ssh-ed25519 AAAA[A-Za-z0-9+/=]+$'
  scanned="$output"
  run --separate-stderr ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
    -o UserKnownHostsFile="$kh" ubuntu@10.233.0.10 'cloud-init status --wait'
  assert_success
  assert_output --regexp $'^\\.*\nstatus: done$'
  assert_equal "$stderr" "Warning: Permanently added '10.233.0.10' (ED25519) to the list of known hosts."
  assert_equal "$(cat "$kh")" "$scanned"
  run ssh-keygen -lf "$kh"
  assert_success
}

@test "ssh: unknown host key with BatchMode fails 'Host key verification failed.'; a changed key is refused" {
  pvesim clock 2.1
  run --separate-stderr ssh -o BatchMode=yes -o UserKnownHostsFile="$kh" ubuntu@10.233.0.10 true
  assert_equal "$status" 255
  assert_equal "$stderr" 'Host key verification failed.'
  echo "10.233.0.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" >"$kh"
  run --separate-stderr ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
    -o UserKnownHostsFile="$kh" ubuntu@10.233.0.10 true
  assert_equal "$status" 255
  assert_equal "${stderr_lines[1]}" '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @'
  assert_equal "${stderr_lines[-1]}" 'Host key verification failed.'
}

@test "ssh: wrong user or a key the VM does not have: 'Permission denied (publickey).'" {
  pvesim clock 2.1
  o=(-o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile="$kh")
  run --separate-stderr ssh "${o[@]}" root@10.233.0.10 true
  assert_equal "$status" 255
  assert_equal "${stderr_lines[-1]}" 'root@10.233.0.10: Permission denied (publickey).'
  ssh-keygen -q -t ed25519 -N '' -f "$BATS_TEST_TMPDIR/other"
  run --separate-stderr ssh "${o[@]}" -i "$BATS_TEST_TMPDIR/other" ubuntu@10.233.0.10 true
  assert_equal "$stderr" 'ubuntu@10.233.0.10: Permission denied (publickey).'
  run ssh "${o[@]}" -i "$HOME/.ssh/id_ed25519" ubuntu@10.233.0.10 'exit 0'
  assert_success
}

@test "ssh: 'cloud-init status --wait' waits until cloud-init is done" {
  # 5 s: a loaded machine may take 2 s to start the fake ssh, and at least 1 s must be left
  pvesim timing --cloudinit 5 >/dev/null
  pvesim clock 2.1
  start=$SECONDS
  run --separate-stderr ssh -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null ubuntu@10.233.0.10 'cloud-init status --wait'
  assert_success
  # cloud-init's status.py: a dot every 0.25 s while it runs, then a newline and the status
  assert_output --regexp $'^\\.{4,}\nstatus: done$'
  ((SECONDS - start >= 1))
  run --separate-stderr ssh -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null ubuntu@10.233.0.10 'cloud-init status'
  assert_success
  assert_output 'status: done'
}

@test "ssh: cloud-init status exits 1 with status: error, 2 (status: done) when degraded" {
  pvesim clock 5
  pvesim cloud-init error
  run --separate-stderr ssh -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null ubuntu@10.233.0.10 'cloud-init status --wait'
  assert_failure 1
  assert_output $'\nstatus: error'
  pvesim cloud-init degraded
  run --separate-stderr ssh -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null ubuntu@10.233.0.10 'cloud-init status --wait'
  assert_failure 2
  assert_output $'\nstatus: done'
  run pvesim cloud-init maybe
  assert_failure 2
}

@test "no network: the simulated range is unreachable for real tools (run under unshare -n)" {
  if [[ -e /sys/class/net/eth0 || -e /sys/class/net/ens3 ]]; then skip 'not in a private network namespace'; fi
  run /usr/bin/env -i PATH=/usr/bin:/bin bash -c 'exec 3<>/dev/tcp/10.233.0.10/22' 2>/dev/null
  assert_failure
}

@test "bridge ports: ip -j link shows master and kinds, the API types them (pve-common Network/Interfaces)" {
  pvesim bridge add vmbr1 --ports eno2,bond0,dummy0
  run ip -j link show master vmbr1
  [[ "$output" == *'"ifname":"eno2"'*'"master":"vmbr1"'* && "$output" == *'"ifname":"bond0"'* ]]
  run ip -d -j link show dev bond0
  [[ "$output" == *'"info_kind":"bond","info_slave_kind":"bridge"'* ]]
  run pvesh get /nodes/pve/network --output-format json
  [[ "$output" == *'"iface":"bond0","method":"manual","priority":3,"type":"bond"'* ]]
  [[ "$output" == *'"iface":"dummy0","method":"manual","priority":3,"type":"unknown"'* ]]
  [[ "$output" == *'"bridge_ports":"eno2 bond0 dummy0"'* ]]
}

@test "tagged NIC on a non-VLAN-aware bridge without physical port: PVE's start error (pve-bridge, QEMU)" {
  pvesim bridge add vmbr1 --ports dummy0
  qm stop 100
  qm set 100 --net0 virtio,bridge=vmbr1,tag=20 >/dev/null
  run --separate-stderr qm start 100
  assert_equal "$status" 255
  [[ "${stderr_lines[0]}" == "no physical interface on bridge 'vmbr1'" ]]
  [[ "$stderr" == *"network script /var/lib/qemu-server/pve-bridge failed with status 6400"* ]]
  [[ "${stderr_lines[-1]}" == "start failed: QEMU exited with code 1" ]]
  assert_equal "$(qm status 100)" "status: stopped"
  # the same NIC untagged starts; with a physical port the tag works
  qm set 100 --net0 virtio,bridge=vmbr1 >/dev/null
  qm start 100 >/dev/null
}

@test "tagged NIC on vmbr0 (port eno1): starts, on vmbr0v20 over eno1.20" {
  qm stop 100
  qm set 100 --net0 virtio,bridge=vmbr0,tag=20 >/dev/null
  qm start 100 >/dev/null
  run ip link show master vmbr0v20
  [[ "$output" == *"eno1.20@eno1: "*"master vmbr0v20"* && "$output" == *"tap100i0: "* ]]
}
