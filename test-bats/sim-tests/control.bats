#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# The simulator's own machinery: call log, mutating flag, faults, latency, PVESIM_DIR, cluster setup.

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
}

@test "every call is logged as one JSON line {tool, args, exit, mutating}" {
  qm create 100 --name a >/dev/null
  qm status 100 >/dev/null
  qm status 999 2>/dev/null || true
  run sim_calls
  assert_line --index 0 '{"tool":"qm","args":["create","100","--name","a"],"exit":0,"mutating":true}'
  assert_line --index 1 '{"tool":"qm","args":["status","100"],"exit":0,"mutating":false}'
  assert_line --index 2 '{"tool":"qm","args":["status","999"],"exit":255,"mutating":false}'
}

@test "read-only calls are not mutating (what a dry run may do); writes are" {
  pvesh get /cluster/nextid >/dev/null
  pvesh get /nodes --output-format json >/dev/null
  pvesm status >/dev/null
  pvesm path local:snippets/x >/dev/null
  qemu-img info /nonexistent 2>/dev/null || true
  curl -fsSL https://cloud-images.ubuntu.com/noble/current/SHA256SUMS >/dev/null
  ip neigh show >/dev/null
  hostname >/dev/null
  pveversion >/dev/null
  run assert_no_mutating_calls
  assert_success
  curl -fsSL -o "$BATS_TEST_TMPDIR/i" https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img
  pvesh create /nodes/pve/qemu --vmid 100 >/dev/null
  run sim_calls_mutating
  local img=https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img
  assert_output "curl -fsSL -o $BATS_TEST_TMPDIR/i $img
pvesh create /nodes/pve/qemu --vmid 100"
  run sim_count_mutating
  assert_output 2
}

@test "fault: the Nth matching call fails with the tool's real-looking error; others pass" {
  pvesim fault qm '^create' --nth 2
  run qm create 100
  assert_success
  run --separate-stderr qm create 101
  assert_equal "$status" 255
  assert_equal "$stderr" "unable to create VM 101 - can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout"
  run qm create 102
  assert_success
  run qm status 101
  assert_failure
}

@test "fault: custom --error text and --exit code, --count 0 = every call from the Nth" {
  pvesim fault pvesh 'nextid' --error 'boom' --exit 2 --count 0
  for _ in 1 2; do
    run --separate-stderr pvesh get /cluster/nextid
    assert_equal "$status" 2
    assert_equal "$stderr" boom
  done
  pvesim fault clear
  run pvesh get /cluster/nextid
  assert_output 100
}

@test "latency: each call sleeps" {
  pvesim latency 0.5
  start=$(date +%s%N)
  pvesh get /cluster/nextid >/dev/null
  ((($(date +%s%N) - start) / 1000000 >= 500))
}

@test "PVESIM_DIR unset: tools fail clearly" {
  run --separate-stderr env -u PVESIM_DIR qm status 100
  assert_equal "$status" 99
  [[ "$stderr" == "pvesim: PVESIM_DIR is not set"* ]]
}

@test "start-error: a start failure is injected; qm start exits 255" {
  qm create 100 >/dev/null
  pvesim start-error 'start failed: QEMU exited with code 1'
  run --separate-stderr qm start 100
  assert_equal "$status" 255
  assert_equal "$stderr" 'start failed: QEMU exited with code 1'
}

@test "storage space: thick lvm refuses a volume larger than its free space" {
  pvesim storage add vg1 --type lvm --total-gib 20 --free-gib 10
  run --separate-stderr qm create 100 --scsi0 vg1:16
  assert_equal "$status" 255
  local want="lvcreate 'pve/vm-100-disk-0' error:   Volume group \"pve\" has insufficient free space (2560 extents): "
  want+="4096 required."
  assert_equal "$stderr" "$want"
}

@test "the calls log survives concurrent callers (flock): 20 parallel calls, 20 valid lines" {
  for _ in $(seq 1 20); do pvesh get /cluster/nextid >/dev/null & done
  wait
  run bash -c "pvesim calls | node -e 'let n=0;
    for (const l of require(\"fs\").readFileSync(0,\"utf8\").split(\"\\n\").filter(Boolean)) { JSON.parse(l); n++ }
    console.log(n)'"
  assert_output 20
}

@test "dpkg-query -W: the installed pve-manager version, as a PVE host (a Debian system) reports it" {
  run dpkg-query -W -f '${Version}' pve-manager
  [ "$status" -eq 0 ]
  [ "$output" = 8.3.0 ]
  run dpkg-query -W pve-manager
  [ "$output" = $'pve-manager\t8.3.0' ]
  run dpkg-query -W no-such-package
  [ "$status" -eq 1 ]
  [[ "$output" == *"no packages found matching no-such-package"* ]]
  run sim_calls --tool dpkg-query --mutating --count
  [ "$output" = 0 ]
}

@test "node mem: maxmem/mem of /cluster/resources (PROXMOX-FACTS §7: node items carry mem, maxmem)" {
  pvesim node mem pve --mem-gib 64 --used-gib 10
  run pvesh get /cluster/resources --type node --output-format json
  [[ "$output" == *'"maxmem":68719476736'* ]]
  [[ "$output" == *'"mem":10737418240'* ]]
}
