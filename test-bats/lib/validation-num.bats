#!/usr/bin/env bats
# lib-sh/validation-num.sh: integers, sizes, VLAN, VMID, timeouts, sha256.

setup() {
  load '../helpers/common'
  lib_source validation
}

@test "val_int_range: bounds inclusive, leading zeros dropped" {
  valid val_int_range 1 1 1 10
  valid val_int_range 10 10 1 10
  valid val_int_range 007 7 1 10
  invalid val_int_range 0 1 10
  invalid val_int_range 11 1 10
  invalid val_int_range 1.5 1 10
  invalid val_int_range +5 1 10
  invalid val_int_range 0x10 1 100
  invalid val_int_range 9999999999999999999999 1 10
  all_invalid val_int_range 1 10
  invalid val_int_range 11 1 10
  assert_equal "$VAL_ERR" "11 is out of range; expected 1 to 10"
}

@test "val_cores: 1..MAX, default max 1024" {
  valid val_cores 1
  valid val_cores 4 4 8
  valid val_cores 1024
  invalid val_cores 0
  invalid val_cores 9 8
  [[ "$VAL_ERR" == *"node's CPU count"* ]]
  invalid val_cores 1025
  invalid val_cores 4G
  all_invalid val_cores 8
}

@test "val_memory: MiB >= 512; M, MB, MiB, G, GB, GiB, T, TB, TiB (binary) in any case" {
  valid val_memory 512
  valid val_memory 2048
  valid val_memory 8G 8192
  valid val_memory 8g 8192
  valid val_memory 8192M 8192
  valid val_memory 8192m 8192
  valid val_memory 1G 1024
  valid val_memory 4096G 4194304
  valid val_memory 02048 2048
  invalid val_memory 511
  invalid val_memory 0G
  invalid val_memory 4097G
  invalid val_memory 4194305
  valid val_memory 8GB 8192
  valid val_memory 8gb 8192
  valid val_memory 8GiB 8192
  valid val_memory 8192MB 8192
  valid val_memory 8192mib 8192
  valid val_memory 1T 1048576
  valid val_memory 4TB 4194304
  invalid val_memory 5T
  local range="expected MiB from 512 to 4194304, e.g. 2048, 8192M, 8G or 8GB"
  invalid val_memory 8K
  assert_equal "$VAL_ERR" "memory: unknown unit 'K'; ${range} (units M/MB/MiB, G/GB/GiB, T/TB/TiB)"
  invalid val_memory 8GBB
  invalid val_memory 8.5G
  assert_equal "$VAL_ERR" "memory: a decimal is not accepted; write 8704M"
  invalid val_memory 1.5TB
  assert_equal "$VAL_ERR" "memory: a decimal is not accepted; write 1572864M"
  invalid val_memory 2.3G
  assert_equal "$VAL_ERR" "memory: a decimal is not accepted; write a whole number of MiB (e.g. 2356M)"
  invalid val_memory 2048.0
  invalid val_memory 8,5G
  invalid val_memory G
  invalid val_memory '8 G'
  invalid val_memory 999999999999999G
  all_invalid val_memory
  invalid val_memory 100
  assert_equal "$VAL_ERR" "memory: 100 MiB is out of range; ${range}"
}

@test "val_disk: GiB >= 1; G, GB, GiB, T, TB, TiB (binary) accepted, M refused" {
  valid val_disk 1
  valid val_disk 20
  valid val_disk 50G 50
  valid val_disk 50g 50
  valid val_disk 65536
  invalid val_disk 0
  invalid val_disk 0G
  invalid val_disk 65537
  valid val_disk 50GB 50
  valid val_disk 50gb 50
  valid val_disk 50GiB 50
  valid val_disk 1T 1024
  valid val_disk 1TB 1024
  valid val_disk 64tib 65536
  local range="expected GiB from 1 to 65536, e.g. 20, 50G, 50GB or 1TB"
  invalid val_disk 65T
  assert_equal "$VAL_ERR" "disk: 66560 GiB is out of range; ${range}"
  invalid val_disk 50M
  assert_equal "$VAL_ERR" "disk: unit M is not accepted (disks are whole GiB); ${range}"
  invalid val_disk 51200MB
  invalid val_disk 50P
  assert_equal "$VAL_ERR" "disk: unknown unit 'P'; ${range} (units G/GB/GiB, T/TB/TiB)"
  invalid val_disk 1.5
  assert_equal "$VAL_ERR" "disk: a decimal is not accepted; write a whole number of GiB (e.g. 2G)"
  invalid val_disk 1.5T
  assert_equal "$VAL_ERR" "disk: a decimal is not accepted; write 1536G"
  invalid val_disk 1.
  all_invalid val_disk
}

@test "val_vlan: 1..4094" {
  valid val_vlan 1
  valid val_vlan 4094
  valid val_vlan 10
  invalid val_vlan 0
  invalid val_vlan 4095
  invalid val_vlan 65536
  all_invalid val_vlan
  [[ "$VAL_ERR" == "VLAN tag: "* ]]
}

@test "val_vmid: 100..999999999" {
  valid val_vmid 100
  valid val_vmid 105
  valid val_vmid 999999999
  invalid val_vmid 99
  invalid val_vmid 0
  invalid val_vmid 1000000000
  invalid val_vmid 1e3
  all_invalid val_vmid
}

@test "val_timeout: 1..86400 seconds" {
  valid val_timeout 1
  valid val_timeout 300
  valid val_timeout 86400
  invalid val_timeout 0
  invalid val_timeout 86401
  invalid val_timeout 5m
  invalid val_timeout 300s
  all_invalid val_timeout
}

@test "val_sha256: 64 hex, lower-cased, optional sha256: prefix" {
  local h=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  valid val_sha256 "$h"
  valid val_sha256 "${h^^}" "$h"
  valid val_sha256 "sha256:$h" "$h"
  invalid val_sha256 "${h:1}"
  invalid val_sha256 "${h}0"
  invalid val_sha256 "${h:1}g"
  invalid val_sha256 " $h"
  invalid val_sha256 "$h "
  invalid val_sha256 "md5:$h"
  all_invalid val_sha256
}
