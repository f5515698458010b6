#!/usr/bin/env bats
# lib-sh/catalog.sh: catalog entries, aliases, and the checksum file parser for every vendor format.

setup() {
  load '../helpers/common'
  lib_source catalog
  H64a="$(printf 'a%.0s' {1..64})"
  H64b="$(printf '%s' 5ff9c048859046f41db4a33b1f1a96675711288078aac66b47d0be023af270d1)"
  H128="$(printf '0123456789abcdef%.0s' {1..8})"
  SUMS="$BATS_TEST_TMPDIR/sums"
}

@test "img_catalog_keys lists the contract's keys" {
  run img_catalog_keys
  assert_success
  local want=$'ubuntu-24.04\nubuntu-22.04\nubuntu-26.04\ndebian-13\ndebian-12\nrocky-9\nrocky-10\n'
  want+=$'almalinux-9\nalmalinux-10\ncentos-stream-10\nfedora-43\nopensuse-leap-16'
  assert_output "$want"
}

@test "ubuntu-24.04 and ubuntu-22.04" {
  img_catalog ubuntu-24.04
  assert_equal "${IMG[key]}" ubuntu-24.04
  assert_equal "${IMG[url]}" https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img
  assert_equal "${IMG[sums_url]}" https://cloud-images.ubuntu.com/noble/current/SHA256SUMS
  assert_equal "${IMG[sums_algo]}" sha256
  assert_equal "${IMG[file]}" noble-server-cloudimg-amd64.img
  assert_equal "${IMG[default_user]}" ubuntu
  img_catalog ubuntu-22.04
  assert_equal "${IMG[url]}" https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img
  assert_equal "${IMG[sums_url]}" https://cloud-images.ubuntu.com/jammy/current/SHA256SUMS
  assert_equal "${IMG[file]}" jammy-server-cloudimg-amd64.img
}

@test "debian-12 and debian-13" {
  img_catalog debian-12
  assert_equal "${IMG[url]}" https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2
  assert_equal "${IMG[sums_url]}" https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS
  assert_equal "${IMG[sums_algo]}" sha512
  assert_equal "${IMG[file]}" debian-12-genericcloud-amd64.qcow2
  assert_equal "${IMG[default_user]}" debian
  img_catalog debian-13
  assert_equal "${IMG[url]}" https://cloud.debian.org/images/cloud/trixie/latest/debian-13-genericcloud-amd64.qcow2
  assert_equal "${IMG[sums_url]}" https://cloud.debian.org/images/cloud/trixie/latest/SHA512SUMS
}

@test "rocky-9 and almalinux-9" {
  img_catalog rocky-9
  assert_equal "${IMG[url]}" \
    https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2
  assert_equal "${IMG[sums_url]}" \
    https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2.CHECKSUM
  assert_equal "${IMG[sums_algo]}" sha256
  assert_equal "${IMG[default_user]}" rocky
  img_catalog almalinux-9
  assert_equal "${IMG[url]}" \
    https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2
  assert_equal "${IMG[sums_url]}" https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM
  assert_equal "${IMG[file]}" AlmaLinux-9-GenericCloud-latest.x86_64.qcow2
  assert_equal "${IMG[default_user]}" almalinux
}

@test "aliases resolve to their keys" {
  img_catalog ubuntu
  assert_equal "${IMG[key]}" ubuntu-24.04
  img_catalog debian
  assert_equal "${IMG[key]}" debian-13
  img_catalog rocky
  assert_equal "${IMG[key]}" rocky-9
  img_catalog almalinux
  assert_equal "${IMG[key]}" almalinux-9
  img_catalog Ubuntu-24.04
  assert_equal "${IMG[key]}" ubuntu-24.04
  img_catalog alma
  assert_equal "${IMG[key]}" almalinux-9
  img_catalog centos
  assert_equal "${IMG[key]}" centos-stream-10
  img_catalog centos-stream
  assert_equal "${IMG[key]}" centos-stream-10
  img_catalog fedora
  assert_equal "${IMG[key]}" fedora-43
  img_catalog opensuse
  assert_equal "${IMG[key]}" opensuse-leap-16
  img_catalog LEAP
  assert_equal "${IMG[key]}" opensuse-leap-16
}

# entry KEY URL SUMS_URL ALGO USER AGENT LEVEL: img_catalog KEY sets exactly these.
entry() {
  img_catalog "$1"
  assert_equal "${IMG[key]}" "$1"
  assert_equal "${IMG[url]}" "$2"
  assert_equal "${IMG[file]}" "${2##*/}"
  assert_equal "${IMG[sums_url]}" "$3"
  assert_equal "${IMG[sums_algo]}" "$4"
  assert_equal "${IMG[default_user]}" "$5"
  assert_equal "${IMG[agent]}" "$6"
  assert_equal "${IMG[cpu_level]}" "$7"
}

@test "ubuntu-26.04: resolute, SHA256SUMS beside it, user ubuntu, no agent, no CPU level" {
  entry ubuntu-26.04 https://cloud-images.ubuntu.com/resolute/current/resolute-server-cloudimg-amd64.img \
    https://cloud-images.ubuntu.com/resolute/current/SHA256SUMS sha256 ubuntu 0 ''
}

@test "rocky-10: the .CHECKSUM sidecar, user rocky, agent, x86-64-v3" {
  entry rocky-10 https://dl.rockylinux.org/pub/rocky/10/images/x86_64/Rocky-10-GenericCloud-Base.latest.x86_64.qcow2 \
    https://dl.rockylinux.org/pub/rocky/10/images/x86_64/Rocky-10-GenericCloud-Base.latest.x86_64.qcow2.CHECKSUM \
    sha256 rocky 1 x86-64-v3
}

@test "almalinux-10: CHECKSUM of the directory, user almalinux, agent, x86-64-v3" {
  entry almalinux-10 \
    https://repo.almalinux.org/almalinux/10/cloud/x86_64/images/AlmaLinux-10-GenericCloud-latest.x86_64.qcow2 \
    https://repo.almalinux.org/almalinux/10/cloud/x86_64/images/CHECKSUM sha256 almalinux 1 x86-64-v3
}

@test "centos-stream-10: the .SHA256SUM sidecar, user cloud-user, agent, x86-64-v3" {
  local img=https://cloud.centos.org/centos/10-stream/x86_64/images/CentOS-Stream-GenericCloud-10-latest.x86_64.qcow2
  entry centos-stream-10 "$img" "$img.SHA256SUM" sha256 cloud-user 1 x86-64-v3
}

@test "fedora-43: versioned image and CHECKSUM names, user fedora, agent" {
  local dir=https://download.fedoraproject.org/pub/fedora/linux/releases/43/Cloud/x86_64/images
  entry fedora-43 "$dir/Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2" "$dir/Fedora-Cloud-43-1.6-x86_64-CHECKSUM" \
    sha256 fedora 1 ''
}

@test "opensuse-leap-16: the .sha256 sidecar, user opensuse, no agent" {
  entry opensuse-leap-16 \
    https://download.opensuse.org/distribution/leap/16.0/appliances/Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2 \
    https://download.opensuse.org/distribution/leap/16.0/appliances/Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2.sha256 \
    sha256 opensuse 0 ''
}

@test "the 9s and the older releases keep their entries and need no CPU level" {
  local k
  for k in ubuntu-24.04 ubuntu-22.04 debian-13 debian-12 rocky-9 almalinux-9; do
    img_catalog "$k"
    assert_equal "${IMG[cpu_level]}" ''
  done
  img_catalog rocky-9
  assert_equal "${IMG[agent]}" 1
  img_catalog debian-13
  assert_equal "${IMG[agent]}" 0
}

@test "img_catalog_cpu: x86-64-v3 for the RHEL 10 family unless host; the bundle's choice otherwise" {
  assert_equal "$(img_catalog_cpu rocky-10 x86-64-v2-AES)" x86-64-v3
  assert_equal "$(img_catalog_cpu almalinux-10 x86-64-v2-AES)" x86-64-v3
  assert_equal "$(img_catalog_cpu centos x86-64-v2-AES)" x86-64-v3 # the alias
  assert_equal "$(img_catalog_cpu centos-stream-10 x86-64-v2-AES)" x86-64-v3
  assert_equal "$(img_catalog_cpu centos-stream-10 host)" host
  assert_equal "$(img_catalog_cpu rocky-9 x86-64-v2-AES)" x86-64-v2-AES
  assert_equal "$(img_catalog_cpu fedora-43 x86-64-v2-AES)" x86-64-v2-AES
  assert_equal "$(img_catalog_cpu nonsense x86-64-v2-AES)" x86-64-v2-AES
}

@test "img_custom_user: the distro the file name says, else linus; the query is not read" {
  local u
  for u in \
    https://x/noble-server-cloudimg-amd64.img:ubuntu https://x/ubuntu-26.04-minimal.img:ubuntu \
    https://x/resolute-server-cloudimg-amd64v3.img:ubuntu https://x/debian-13-generic-amd64.qcow2:debian \
    https://x/trixie.raw:debian https://x/Rocky-10-GenericCloud-LVM.latest.x86_64.qcow2:rocky \
    https://x/AlmaLinux-10-GenericCloud-latest.x86_64_v2.qcow2:almalinux \
    https://x/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2:cloud-user \
    https://x/Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2:fedora \
    https://x/openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2:opensuse \
    https://x/openSUSE-Tumbleweed-Minimal-VM.x86_64-Cloud.qcow2:opensuse \
    https://x/SLES16.0-Minimal-VM.x86_64-Cloud.qcow2:sles \
    https://x/Arch-Linux-x86_64-cloudimg.qcow2:arch \
    https://x/golden.qcow2:linus 'https://x/golden.qcow2?distro=ubuntu:linus' \
    'https://fedora.example/images/golden.qcow2:linus'; do
    assert_equal "$(img_custom_user "${u%:*}")" "${u##*:}"
  done
}

@test "every key has an https URL and a unique file name" {
  local k files=()
  while IFS= read -r k; do
    img_catalog "$k"
    [[ "${IMG[url]}" == https://*/"${IMG[file]}" && "${IMG[sums_url]}" == https://* ]]
    files+=("${IMG[file]}")
  done < <(img_catalog_keys)
  assert_equal "$(printf '%s\n' "${files[@]}" | sort -u | wc -l)" 12
}

@test "unknown keys return 1 and leave the globals alone" {
  IMG[url]=keep
  # shellcheck disable=SC2016 # '$(id)' is a literal hostile value
  for k in '' centos-9 ubuntu-20.04 fedora-42 rocky-8 opensuse-leap-15 'ubuntu-24.04; rm -rf /' '$(id)' 'ubuntu ' \
    debian-1 '*'; do
    run img_catalog "$k"
    assert_failure
    img_catalog "$k" || true
    assert_equal "${IMG[url]}" keep
  done
}

@test "checksum: Ubuntu SHA256SUMS (binary marker)" {
  {
    printf '%s *jammy-server-cloudimg-amd64.img\n%s *noble-server-cloudimg-amd64.img\n' "$H64b" "$H64a"
    printf '%s *noble-server-cloudimg-amd64.img.manifest\n' "$H64b"
  } >"$SUMS"
  run img_checksum_from_file "$SUMS" noble-server-cloudimg-amd64.img sha256
  assert_success
  assert_output "$H64a"
}

@test "checksum: Debian SHA512SUMS (two spaces), upper-case hex is lowered" {
  printf '%s  debian-13-genericcloud-amd64.json\n%s  debian-13-genericcloud-amd64.qcow2\n' \
    "${H128//0/f}" "${H128^^}" >"$SUMS"
  run img_checksum_from_file "$SUMS" debian-13-genericcloud-amd64.qcow2 sha512
  assert_success
  assert_output "$H128"
}

@test "checksum: Rocky .CHECKSUM (BSD with a comment line)" {
  printf '# Rocky-9-GenericCloud-Base.latest.x86_64.qcow2: 645988352 bytes\n%s\n' \
    "SHA256 (Rocky-9-GenericCloud-Base.latest.x86_64.qcow2) = $H64b" >"$SUMS"
  run img_checksum_from_file "$SUMS" Rocky-9-GenericCloud-Base.latest.x86_64.qcow2 sha256
  assert_success
  assert_output "$H64b"
}

@test "checksum: AlmaLinux CHECKSUM (dated and latest names), CRLF tolerated" {
  {
    printf '%s  AlmaLinux-9-GenericCloud-9.7-20251118.x86_64.qcow2\r\n' "$H64b"
    printf '%s  AlmaLinux-9-GenericCloud-latest.x86_64.qcow2\r\n%s  AlmaLinux-9-OpenNebula-latest.x86_64.qcow2' \
      "$H64a" "$H64b"
  } >"$SUMS"
  run img_checksum_from_file "$SUMS" AlmaLinux-9-GenericCloud-latest.x86_64.qcow2 sha256
  assert_success
  assert_output "$H64a"
}

@test "checksum: Rocky 10 / CentOS Stream 10 sidecars (BSD, comment lines, other artefacts listed)" {
  {
    printf '# CentOS-Stream-GenericCloud-10-20260818.0.x86_64.qcow2: 954073088 bytes\n'
    printf 'SHA256 (CentOS-Stream-GenericCloud-10-20260818.0.x86_64.qcow2) = %s\n' "$H64b"
    printf '# CentOS-Stream-GenericCloud-10-latest.x86_64.qcow2: 954073088 bytes\n'
    printf 'SHA256 (CentOS-Stream-GenericCloud-10-latest.x86_64.qcow2) = %s\n' "$H64a"
  } >"$SUMS"
  run img_checksum_from_file "$SUMS" CentOS-Stream-GenericCloud-10-latest.x86_64.qcow2 sha256
  assert_success
  assert_output "$H64a"
  printf '# Rocky-10-GenericCloud-Base.latest.x86_64.qcow2: 544997376 bytes\n%s\n' \
    "SHA256 (Rocky-10-GenericCloud-Base.latest.x86_64.qcow2) = ${H64b^^}" >"$SUMS"
  run img_checksum_from_file "$SUMS" Rocky-10-GenericCloud-Base.latest.x86_64.qcow2 sha256
  assert_output "$H64b"
}

@test "checksum: Fedora CHECKSUM, PGP clear-signed BSD lines; the signature block is not a digest" {
  cat >"$SUMS" <<EOF2
-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

# Fedora-Cloud-Base-AmazonEC2-43-1.6.x86_64.raw.xz: 424333492 bytes
SHA256 (Fedora-Cloud-Base-AmazonEC2-43-1.6.x86_64.raw.xz) = $H64b
# Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2: 550567936 bytes
SHA256 (Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2) = $H64a
-----BEGIN PGP SIGNATURE-----

iQIzBAEBCAAdFiEEXVvPqWM0cHGmFTzgTk1yHM3Y2A4FAmk
=qwXz
-----END PGP SIGNATURE-----
EOF2
  run img_checksum_from_file "$SUMS" Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2 sha256
  assert_success
  assert_output "$H64a"
  run img_checksum_from_file "$SUMS" Fedora-Cloud-Base-Generic-43-1.5.x86_64.qcow2 sha256
  assert_failure
}

@test "checksum: openSUSE .sha256 sidecar (one GNU line, no newline at the end)" {
  printf '%s  Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2' "$H64a" >"$SUMS"
  run img_checksum_from_file "$SUMS" Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2 sha256
  assert_success
  assert_output "$H64a"
}

@test "checksum: Ubuntu 26.04 SHA256SUMS lists amd64v3 beside amd64: the exact name wins" {
  printf '%s *resolute-server-cloudimg-amd64v3.img\n%s *resolute-server-cloudimg-amd64.img\n' "$H64b" "$H64a" >"$SUMS"
  run img_checksum_from_file "$SUMS" resolute-server-cloudimg-amd64.img sha256
  assert_output "$H64a"
}

@test "checksum: absent name, wrong algo, wrong length, prefix names all fail" {
  printf '%s  a.qcow2\nSHA512 (b.qcow2) = %s\n%s  c.qcow2\n' "$H64a" "$H128" "$H128" >"$SUMS"
  run img_checksum_from_file "$SUMS" missing.qcow2 sha256
  assert_failure
  run img_checksum_from_file "$SUMS" b.qcow2 sha256
  assert_failure
  run img_checksum_from_file "$SUMS" b.qcow2 sha512
  assert_output "$H128"
  run img_checksum_from_file "$SUMS" c.qcow2 sha256
  assert_failure
  run img_checksum_from_file "$SUMS" a sha256
  assert_failure
  run img_checksum_from_file "$SUMS" '.*' sha256
  assert_failure
  run img_checksum_from_file "$SUMS" a.qcow2 md5
  assert_failure
  run img_checksum_from_file "$BATS_TEST_TMPDIR/nope" a.qcow2 sha256
  assert_failure
}

@test "checksum: the name is compared literally (dots are not wildcards)" {
  printf '%s  noble-server-cloudimgXamd64.img\n' "$H64a" >"$SUMS"
  run img_checksum_from_file "$SUMS" noble-server-cloudimg.amd64.img sha256
  assert_failure
}
