#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr is set by bats' run --separate-stderr
# Node CPU flags (pvesh get /nodes/N/status cpuinfo.flags) and QEMU's `enforce` start error for a
# built-in x86-64-v3 model on a node that lacks its flags (test-bats/sim/lib/cpu.mjs).

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
}

flags() {
  pvesh get /nodes/pve/status --output-format json |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).cpuinfo.flags))'
}

@test "default node: x86-64-v3 flags; --level v2 drops avx2; --flags sets them; a bad level is exit 2" {
  [[ " $(flags) " == *" avx2 "* && " $(flags) " == *" movbe "* ]]
  pvesim node cpu pve --level v2
  [[ " $(flags) " != *" avx2 "* && " $(flags) " == *" sse4_2 "* ]]
  pvesim node cpu pve --flags 'fpu  sse2 avx2'
  [ "$(flags)" = 'fpu sse2 avx2' ]
  run pvesim node cpu pve --level v9
  [ "$status" -eq 2 ]
}

@test "qm start of a cpu x86-64-v3 VM on a v2 node: QEMU's warnings, 'start failed', exit 255, not running" {
  pvesim node cpu pve --level v2
  qm create 100 --cpu x86-64-v3 --net0 virtio,bridge=vmbr0
  run --separate-stderr qm start 100
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"kvm: warning: host doesn't support requested feature: CPUID.07H:EBX.avx2 [bit 5]"* ]]
  [[ "$stderr" == *"kvm: Host doesn't support requested features"*"start failed: QEMU exited with code 1" ]]
  run qm status 100
  [ "$output" = "status: stopped" ]
  pvesim node cpu pve --level v3
  qm start 100
  run qm status 100
  [ "$output" = "status: running" ]
}

@test "x86-64-v2-AES and host start on a v2 node" {
  pvesim node cpu pve --level v2
  qm create 100 --cpu x86-64-v2-AES --net0 virtio,bridge=vmbr0
  qm create 101 --cpu host --net0 virtio,bridge=vmbr0
  qm start 100
  qm start 101
}
