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
  # shellcheck disable=SC2016 # a literal hostile value
  invalid val_url 'https://example.com/$(id)'
  # shellcheck disable=SC2016 # a literal hostile value
  invalid val_url 'https://example.com/`id`'
  invalid val_url "https://example.com/a'b"
  invalid val_url 'https://example.com/a"b'
  invalid val_url 'https://example.com/a|b'
  invalid val_url $'https://example.com/a\nb'
  invalid val_url 'https://exämple.com/a'
  invalid val_url 'https://-bad.com/a'
  invalid val_url 'https://user:secret@example.com/a'
  valid val_url "https://example.com/$(printf 'a%.0s' {1..4076})"
  invalid val_url "https://example.com/$(printf 'a%.0s' {1..4077})"
  all_invalid val_url
}

@test "val_url: signed URLs (& = % + ~ in the query) are accepted unchanged" {
  valid val_url 'https://h/p/img.qcow2?a=1&b=2'
  local s3='https://bucket.s3.eu-west-1.amazonaws.com/images/noble.qcow2?X-Amz-Algorithm=AWS4-HMAC-SHA256'
  s3+='&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z'
  s3+='&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=0123456789abcdef'
  valid val_url "$s3"
  local gcs='https://storage.googleapis.com/b/o.img?X-Goog-Algorithm=GOOG4-RSA-SHA256'
  gcs+='&X-Goog-Credential=sa%40p.iam.gserviceaccount.com%2F20260101%2Fauto%2Fstorage%2Fgoog4_request'
  gcs+='&X-Goog-Signature=ab12'
  valid val_url "$gcs"
  valid val_url 'https://acct.blob.core.windows.net/c/i.vhd?sv=2022-11-02&se=2026-01-01T00:00:00Z&sp=r&sig=a%2Bb%3D'
  valid val_url 'https://d111.cloudfront.net/i.img?Expires=1767225600&Signature=ab~cd-ef_&Key-Pair-Id=K2'
  valid val_url 'https://h/p+q~r/(x)*!,:@/i.img?x=a@b&y=c?d'
  # a security token makes presigned S3 URLs long: up to 4096 characters
  valid val_url "${s3}&X-Amz-Security-Token=$(printf 'T%.0s' {1..3000})"
}

# rejects URL REASON: val_url returns exactly 1 and VAL_ERR, one line, names REASON and never
# repeats the URL (its query may be a credential).
rejects() {
  local rc=0
  VAL_ERR=""
  val_url "$1" || rc=$?
  [[ "$rc" == 1 ]] || fail "val_url '$1': returned $rc, expected 1"
  [[ -n "$VAL_ERR" && "$VAL_ERR" != *[$'\n\r']* ]] || fail "val_url '$1': VAL_ERR is empty or not one line: $VAL_ERR"
  [[ "$VAL_ERR" == *"$2"* ]] || fail "val_url '$1': VAL_ERR does not say '$2': $VAL_ERR"
  [[ "$VAL_ERR" != *SECRET* ]] || fail "val_url '$1': VAL_ERR repeats the URL: $VAL_ERR"
}

@test "val_url: each hostile class is still refused (exit 1, one-line reason, URL not repeated)" {
  local u='https://h/p/img.qcow2?a=1&sig=SECRET'
  rejects "$u b" "whitespace"
  rejects "${u}"$'\t' "whitespace"
  rejects "${u}"$'\n'"reboot" "whitespace"
  rejects "${u}"$'\r' "whitespace"
  rejects "${u}"$'\x01' "a control character"
  rejects "${u}"$'\x7f' "a control character"
  rejects "${u}'" "a quote"
  rejects "${u}\"" "a quote"
  rejects "${u}\`id\`" "a backtick"
  rejects "${u}\$(id)" "'\$'"
  rejects "${u};reboot" "';'"
  rejects "${u}|sh" "'|'"
  rejects "${u}<x" "'<'"
  rejects "${u}>x" "'>'"
  rejects "${u}\\" "a backslash"
  rejects "${u}{a,b}" "'{'"
  rejects "${u}[1-2]" "'['"
  rejects "${u}#frag" "#fragment"
  rejects "${u}é" "non-ASCII"
  rejects 'https://user:SECRET@h/p' "user name or password"
  rejects 'https://h_x/SECRET' "bad host"
}

@test "val_url_redact: the query string of every URL in a text becomes <redacted>" {
  assert_equal "$(val_url_redact 'https://h/p/img.qcow2?a=1&b=2')" 'https://h/p/img.qcow2?<redacted>'
  assert_equal "$(val_url_redact 'https://h/p/img.qcow2')" 'https://h/p/img.qcow2'
  assert_equal "$(val_url_redact 'https://h/p?')" 'https://h/p?'
  assert_equal "$(val_url_redact 'get HTTP://a/b?x=1 and "https://c?d=e" now')" \
    'get HTTP://a/b?<redacted> and "https://c?<redacted>" now'
  # printf %q quoting (log_cmd) and a text already redacted
  assert_equal "$(val_url_redact 'curl -o f https://h/p\?a=1\&b=2')" 'curl -o f https://h/p\?<redacted>'
  assert_equal "$(val_url_redact 'https://h/p?<redacted>')" 'https://h/p?<redacted>'
  assert_equal "$(val_url_redact 'no url ? here & there')" 'no url ? here & there'
  run val_redact_stream <<<$'downloading https://h/i?sig=S to /x\r\nOK\ndone https://h/i?sig=S'
  assert_output $'downloading https://h/i?<redacted> to /x\r\nOK\ndone https://h/i?<redacted>'
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
  valid val_os rocky-10
  valid val_os centos-stream-10
  valid val_os centos centos-stream-10
  valid val_os fedora fedora-43
  valid val_os opensuse opensuse-leap-16
  invalid val_os centos-9
  local want="unknown OS; expected one of: ubuntu-24.04 ubuntu-22.04 ubuntu-26.04 debian-13 debian-12 rocky-9"
  want+=" rocky-10 almalinux-9 almalinux-10 centos-stream-10 fedora-43 opensuse-leap-16"
  want+=" (aliases: ubuntu, debian, rocky, almalinux, alma, centos, centos-stream, fedora, opensuse, leap)"
  want+=", or --image-url with --image-sha256"
  assert_equal "$VAL_ERR" "$want"
  invalid val_os ubuntu-20.04
  invalid val_os 'ubuntu-24.04 '
  all_invalid val_os
}

@test "aliases used by lib-sh/options.sh map to the validators" {
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
