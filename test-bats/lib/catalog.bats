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
  assert_output $'ubuntu-24.04\nubuntu-22.04\ndebian-13\ndebian-12\nrocky-9\nalmalinux-9'
}

@test "ubuntu-24.04 and ubuntu-22.04" {
  img_catalog ubuntu-24.04
  assert_equal "$IMG_KEY" ubuntu-24.04
  assert_equal "$IMG_URL" https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img
  assert_equal "$IMG_SUMS_URL" https://cloud-images.ubuntu.com/noble/current/SHA256SUMS
  assert_equal "$IMG_SUMS_ALGO" sha256
  assert_equal "$IMG_FILE" noble-server-cloudimg-amd64.img
  assert_equal "$IMG_DEFAULT_USER" ubuntu
  img_catalog ubuntu-22.04
  assert_equal "$IMG_URL" https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img
  assert_equal "$IMG_SUMS_URL" https://cloud-images.ubuntu.com/jammy/current/SHA256SUMS
  assert_equal "$IMG_FILE" jammy-server-cloudimg-amd64.img
}

@test "debian-12 and debian-13" {
  img_catalog debian-12
  assert_equal "$IMG_URL" https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2
  assert_equal "$IMG_SUMS_URL" https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS
  assert_equal "$IMG_SUMS_ALGO" sha512
  assert_equal "$IMG_FILE" debian-12-genericcloud-amd64.qcow2
  assert_equal "$IMG_DEFAULT_USER" debian
  img_catalog debian-13
  assert_equal "$IMG_URL" https://cloud.debian.org/images/cloud/trixie/latest/debian-13-genericcloud-amd64.qcow2
  assert_equal "$IMG_SUMS_URL" https://cloud.debian.org/images/cloud/trixie/latest/SHA512SUMS
}

@test "rocky-9 and almalinux-9" {
  img_catalog rocky-9
  assert_equal "$IMG_URL" https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2
  assert_equal "$IMG_SUMS_URL" https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2.CHECKSUM
  assert_equal "$IMG_SUMS_ALGO" sha256
  assert_equal "$IMG_DEFAULT_USER" rocky
  img_catalog almalinux-9
  assert_equal "$IMG_URL" https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2
  assert_equal "$IMG_SUMS_URL" https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM
  assert_equal "$IMG_FILE" AlmaLinux-9-GenericCloud-latest.x86_64.qcow2
  assert_equal "$IMG_DEFAULT_USER" almalinux
}

@test "aliases resolve to their keys" {
  img_catalog ubuntu; assert_equal "$IMG_KEY" ubuntu-24.04
  img_catalog debian; assert_equal "$IMG_KEY" debian-13
  img_catalog rocky; assert_equal "$IMG_KEY" rocky-9
  img_catalog almalinux; assert_equal "$IMG_KEY" almalinux-9
  img_catalog Ubuntu-24.04; assert_equal "$IMG_KEY" ubuntu-24.04
}

@test "every key has an https URL and a unique file name" {
  local k files=()
  while IFS= read -r k; do
    img_catalog "$k"
    [[ "$IMG_URL" == https://*/"$IMG_FILE" && "$IMG_SUMS_URL" == https://* ]]
    files+=("$IMG_FILE")
  done < <(img_catalog_keys)
  assert_equal "$(printf '%s\n' "${files[@]}" | sort -u | wc -l)" 6
}

@test "unknown keys return 1 and leave the globals alone" {
  IMG_URL=keep
  # shellcheck disable=SC2016 # '$(id)' is a literal hostile value
  for k in '' centos ubuntu-20.04 'ubuntu-24.04; rm -rf /' '$(id)' 'ubuntu ' debian-1 '*'; do
    run img_catalog "$k"
    assert_failure
    img_catalog "$k" || true
    assert_equal "$IMG_URL" keep
  done
}

@test "checksum: Ubuntu SHA256SUMS (binary marker)" {
  printf '%s *jammy-server-cloudimg-amd64.img\n%s *noble-server-cloudimg-amd64.img\n%s *noble-server-cloudimg-amd64.img.manifest\n' \
    "$H64b" "$H64a" "$H64b" >"$SUMS"
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
  printf '# Rocky-9-GenericCloud-Base.latest.x86_64.qcow2: 645988352 bytes\nSHA256 (Rocky-9-GenericCloud-Base.latest.x86_64.qcow2) = %s\n' "$H64b" >"$SUMS"
  run img_checksum_from_file "$SUMS" Rocky-9-GenericCloud-Base.latest.x86_64.qcow2 sha256
  assert_success
  assert_output "$H64b"
}

@test "checksum: AlmaLinux CHECKSUM (dated and latest names), CRLF tolerated" {
  printf '%s  AlmaLinux-9-GenericCloud-9.7-20251118.x86_64.qcow2\r\n%s  AlmaLinux-9-GenericCloud-latest.x86_64.qcow2\r\n%s  AlmaLinux-9-OpenNebula-latest.x86_64.qcow2' \
    "$H64b" "$H64a" "$H64b" >"$SUMS"
  run img_checksum_from_file "$SUMS" AlmaLinux-9-GenericCloud-latest.x86_64.qcow2 sha256
  assert_success
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
