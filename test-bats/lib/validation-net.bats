#!/usr/bin/env bats
# lib-sh/validation-net.sh: IPv4/IPv6, CIDR, gateway, ip mode, DNS list, DNS names.

setup() {
  load '../helpers/common'
  lib_source validation
}

@test "val_ipv4" {
  valid val_ipv4 192.168.1.50
  valid val_ipv4 0.0.0.0
  valid val_ipv4 255.255.255.255
  invalid val_ipv4 256.1.1.1
  invalid val_ipv4 1.2.3
  invalid val_ipv4 1.2.3.4.5
  invalid val_ipv4 01.2.3.4
  invalid val_ipv4 1.2.3.04
  invalid val_ipv4 1..3.4
  invalid val_ipv4 1.2.3.4/24
  invalid val_ipv4 ' 1.2.3.4'
  invalid val_ipv4 '1.2.3.4 '
  invalid val_ipv4 ::1
  all_invalid val_ipv4
}

@test "val_ipv6" {
  valid val_ipv6 ::1
  valid val_ipv6 2001:db8::1
  valid val_ipv6 2606:4700:4700::1111
  valid val_ipv6 FE80::ABCD fe80::abcd
  valid val_ipv6 1:2:3:4:5:6:7:8
  valid val_ipv6 1::
  valid val_ipv6 ::ffff:192.0.2.1
  valid val_ipv6 1:2:3:4:5:6:192.0.2.1
  invalid val_ipv6 1:2:3:4:5:6:7:8:9
  invalid val_ipv6 1:2:3:4:5:6:7
  invalid val_ipv6 1::2::3
  invalid val_ipv6 :::1
  invalid val_ipv6 :1:2:3:4:5:6:7
  invalid val_ipv6 1:2:3:4:5:6:7:
  invalid val_ipv6 12345::1
  invalid val_ipv6 g::1
  invalid val_ipv6 fe80::1%eth0
  invalid val_ipv6 ::ffff:999.0.2.1
  invalid val_ipv6 1.2.3.4
  all_invalid val_ipv6
}

@test "val_cidr: host address with prefix 1..32" {
  valid val_cidr 192.168.1.50/24
  valid val_cidr 10.0.0.1/8
  valid val_cidr 10.0.0.1/32
  valid val_cidr 10.0.0.0/31
  valid val_cidr 10.0.0.6/29
  invalid val_cidr 192.168.1.50
  invalid val_cidr 192.168.1.50/0
  invalid val_cidr 192.168.1.50/33
  invalid val_cidr 192.168.1.50/024
  invalid val_cidr 192.168.1.50/
  invalid val_cidr 192.168.01.50/24
  invalid val_cidr 192.168.1.0/24
  invalid val_cidr 192.168.1.255/24
  invalid val_cidr 10.0.0.7/29
  invalid val_cidr 127.0.0.1/8
  invalid val_cidr 0.1.2.3/8
  invalid val_cidr 224.0.0.5/24
  invalid val_cidr 192.168.1.50/24/24
  invalid val_cidr dhcp
  all_invalid val_cidr
}

@test "val_gateway_in_subnet" {
  valid val_gateway_in_subnet 192.168.1.1 192.168.1.1 192.168.1.50/24
  valid val_gateway_in_subnet 10.1.255.254 10.1.255.254 10.1.0.5/16
  invalid val_gateway_in_subnet 192.168.2.1 192.168.1.50/24
  assert_equal "$VAL_ERR" \
    "gateway 192.168.2.1 is outside the subnet 192.168.1.0/24 of 192.168.1.50/24; expected an address inside it"
  invalid val_gateway_in_subnet 192.168.1.50 192.168.1.50/24
  invalid val_gateway_in_subnet 192.168.1.0 192.168.1.50/24
  invalid val_gateway_in_subnet 192.168.1.255 192.168.1.50/24
  invalid val_gateway_in_subnet 192.168.1.1 192.168.1.50
  invalid val_gateway_in_subnet 192.168.1.1 ''
  all_invalid val_gateway_in_subnet 192.168.1.50/24
}

@test "val_ip_mode: dhcp or CIDR" {
  valid val_ip_mode dhcp
  valid val_ip_mode DHCP dhcp
  valid val_ip_mode 192.168.1.50/24
  invalid val_ip_mode static
  invalid val_ip_mode dhcp6
  invalid val_ip_mode 192.168.1.50
  [[ "$VAL_ERR" == *"or dhcp" ]]
  all_invalid val_ip_mode
}

@test "val_dns_list: comma/space separated IPv4/IPv6 -> space separated" {
  valid val_dns_list 1.1.1.1
  valid val_dns_list 1.1.1.1,8.8.8.8 "1.1.1.1 8.8.8.8"
  valid val_dns_list "1.1.1.1, 8.8.8.8" "1.1.1.1 8.8.8.8"
  valid val_dns_list " 1.1.1.1  2606:4700:4700::1111 " "1.1.1.1 2606:4700:4700::1111"
  valid val_dns_list $'1.1.1.1\n8.8.8.8' "1.1.1.1 8.8.8.8"
  invalid val_dns_list ,
  invalid val_dns_list "1.1.1.1,dns.google"
  assert_equal "$VAL_ERR" "DNS server #2 is not an IPv4 or IPv6 address; expected e.g. 1.1.1.1,2606:4700:4700::1111"
  invalid val_dns_list "1.1.1.1;8.8.8.8"
  invalid val_dns_list "1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 1.1.1.5 1.1.1.6 1.1.1.7 1.1.1.8 1.1.1.9"
  invalid val_dns_list "1.1.1.1 \$(id)"
  invalid val_dns_list "1.1.1.1 1.2.3.4.5"
  local v
  hostile_values
  for v in "${HOSTILE[@]}"; do
    [[ "$v" =~ ^[[:space:]]*$ ]] && continue
    invalid val_dns_list "$v"
  done
  invalid val_dns_list ''
}

@test "val_dns_name: Proxmox dns-name format" {
  valid val_dns_name web1
  valid val_dns_name a
  valid val_dns_name Web-1
  valid val_dns_name web1.example.com
  valid val_dns_name 123
  valid val_dns_name "$(printf 'a%.0s' {1..63})"
  valid val_dns_name "$(printf 'abcdefghi.%.0s' {1..25})abc"
  invalid val_dns_name "$(printf 'a%.0s' {1..64})"
  invalid val_dns_name "$(printf 'abcdefghi.%.0s' {1..25})abcd"
  invalid val_dns_name web_1
  invalid val_dns_name -web
  invalid val_dns_name web-
  invalid val_dns_name .web
  invalid val_dns_name web.
  invalid val_dns_name web..1
  invalid val_dns_name 'web 1'
  invalid val_dns_name 'wéb'
  invalid val_dns_name 'web1;reboot'
  all_invalid val_dns_name
}
