#!/usr/bin/env bats
# lib-sh/validation-id.sh: user, URL, storage id, bridge, node name, OS.

setup() {
  load '../helpers/common'
  lib_source validation
}

@test "val_user: Linux user names, system accounts refused" {
  valid val_user ubuntu
  valid val_user _svc
  valid val_user deploy-bot_2
  valid val_user "a$(printf 'b%.0s' {1..31})"
  invalid val_user "a$(printf 'b%.0s' {1..32})"
  invalid val_user Admin
  invalid val_user 1user
  invalid val_user -user
  invalid val_user 'us er'
  invalid val_user 'user$'
  invalid val_user user.name
  invalid val_user root
  assert_equal "$VAL_ERR" "'root' is a system account; expected a new login user name such as ubuntu, admin or deploy"
  invalid val_user nobody
  invalid val_user daemon
  all_invalid val_user
}

@test "val_url: http(s) without spaces, credentials or shell metacharacters" {
  valid val_url https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img
  valid val_url http://10.0.0.5:8080/images/my-image_v1.2.qcow2
  valid val_url 'https://example.com/a%20b/img.qcow2?version=2,x=y'
  valid val_url HTTPS://EXAMPLE.COM/x
  invalid val_url ftp://example.com/img.qcow2
  invalid val_url file:///etc/passwd
  invalid val_url example.com/img.qcow2
  invalid val_url https://
  invalid val_url 'https://example.com/a b'
  invalid val_url 'https://example.com/a;reboot'
  invalid val_url 'https://example.com/$(id)'
  invalid val_url 'https://example.com/`id`'
  invalid val_url "https://example.com/a'b"
  invalid val_url 'https://example.com/a"b'
  invalid val_url 'https://example.com/a?b=1&c=2'
  invalid val_url 'https://example.com/a|b'
  invalid val_url $'https://example.com/a\nb'
  invalid val_url 'https://exämple.com/a'
  invalid val_url 'https://-bad.com/a'
  invalid val_url 'https://user:secret@example.com/a'
  [[ "$VAL_ERR" != *secret* ]]
  invalid val_url "https://example.com/$(printf 'a%.0s' {1..2048})"
  all_invalid val_url
}

@test "val_storage_id: Proxmox storage id format" {
  valid val_storage_id local-lvm
  valid val_storage_id local
  valid val_storage_id ceph_pool.1
  valid val_storage_id Fast2
  invalid val_storage_id a
  invalid val_storage_id 1local
  invalid val_storage_id local-
  invalid val_storage_id local.
  invalid val_storage_id 'local lvm'
  invalid val_storage_id local:lvm
  invalid val_storage_id local/lvm
  all_invalid val_storage_id
}

@test "val_bridge: interface names up to 15 characters" {
  valid val_bridge vmbr0
  valid val_bridge vmbr0.100
  valid val_bridge br_lan-1
  valid val_bridge abcdefghijklmno
  invalid val_bridge abcdefghijklmnop
  invalid val_bridge vmbr:0
  invalid val_bridge vm/br0
  invalid val_bridge .vmbr0
  invalid val_bridge 'vm br0'
  all_invalid val_bridge
}

@test "val_node_name: one DNS label" {
  valid val_node_name pve
  valid val_node_name pve-node-01
  valid val_node_name PVE1
  invalid val_node_name pve.example.com
  invalid val_node_name pve_1
  invalid val_node_name -pve
  invalid val_node_name pve-
  invalid val_node_name "$(printf 'a%.0s' {1..64})"
  all_invalid val_node_name
}

@test "val_os: catalog keys and aliases -> key" {
  valid val_os ubuntu-24.04
  valid val_os ubuntu-22.04
  valid val_os debian-12
  valid val_os debian-13
  valid val_os rocky-9
  valid val_os almalinux-9
  valid val_os ubuntu ubuntu-24.04
  valid val_os debian debian-13
  valid val_os rocky rocky-9
  valid val_os almalinux almalinux-9
  valid val_os UBUNTU ubuntu-24.04
  invalid val_os centos
  assert_equal "$VAL_ERR" "unknown OS; expected one of: ubuntu-24.04 ubuntu-22.04 debian-13 debian-12 rocky-9 almalinux-9 (aliases: ubuntu, debian, rocky, almalinux), or --image-url with --image-sha256"
  invalid val_os ubuntu-20.04
  invalid val_os 'ubuntu-24.04 '
  all_invalid val_os
}

@test "aliases used by steps/options.sh map to the validators" {
  valid val_name web1
  valid val_ip_cidr 10.0.0.5/24
  valid val_ip dhcp
  valid val_gateway 10.0.0.1 10.0.0.1 10.0.0.5/24
  valid val_dns 1.1.1.1,9.9.9.9 "1.1.1.1 9.9.9.9"
  valid val_image_url https://example.com/i.qcow2
  valid val_node pve
  valid val_storage local-lvm
  invalid val_name web_1
}
