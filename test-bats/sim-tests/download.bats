#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# Image downloads from fixtures (CONTRACT §2 catalog: vendor checksum files), qemu-img info.

bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  load '../helpers/sim'
  sim_setup
  cd "$BATS_TEST_TMPDIR" || exit 1
}

U=https://cloud-images.ubuntu.com/noble/current
D=https://cloud.debian.org/images/cloud/bookworm/latest
R=https://dl.rockylinux.org/pub/rocky/9/images/x86_64
A=https://repo.almalinux.org/almalinux/9/cloud/x86_64/images

@test "ubuntu: SHA256SUMS in GNU binary-mode format matches the served image" {
  curl -fsSL -o noble.img "$U/noble-server-cloudimg-amd64.img"
  run curl -fsSL "$U/SHA256SUMS"
  assert_line "$(sha256sum noble.img | cut -d' ' -f1) *noble-server-cloudimg-amd64.img"
}

@test "debian: SHA512SUMS (GNU text mode); almalinux CHECKSUM (GNU); rocky .CHECKSUM (BSD with a bytes comment)" {
  wget -q -O deb.qcow2 "$D/debian-12-genericcloud-amd64.qcow2"
  run wget -q -O - "$D/SHA512SUMS"
  assert_line "$(sha512sum deb.qcow2 | cut -d' ' -f1)  debian-12-genericcloud-amd64.qcow2"
  curl -fsSLo alma.qcow2 "$A/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2"
  run curl -fsSL "$A/CHECKSUM"
  assert_line "$(sha256sum alma.qcow2 | cut -d' ' -f1)  AlmaLinux-9-GenericCloud-latest.x86_64.qcow2"
  curl -fsSL -o rocky.qcow2 "$R/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2"
  run curl -fsSL "$R/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2.CHECKSUM"
  assert_line "# Rocky-9-GenericCloud-Base.latest.x86_64.qcow2: $(stat -c %s rocky.qcow2) bytes"
  assert_line "SHA256 (Rocky-9-GenericCloud-Base.latest.x86_64.qcow2) = $(sha256sum rocky.qcow2 | cut -d' ' -f1)"
}

@test "unknown hosts fail like curl/wget without DNS (exit 6 / 4); unknown paths are 404 (curl -f exit 22, wget 8)" {
  run --separate-stderr curl -fsSL -o x https://example.com/x.img
  assert_equal "$status" 6
  assert_equal "$stderr" 'curl: (6) Could not resolve host: example.com'
  run --separate-stderr wget -q -O x https://example.com/x.img
  assert_equal "$status" 4
  run --separate-stderr curl -fsSL -o x "$U/nope.img"
  assert_equal "$status" 22
  assert_equal "$stderr" 'curl: (22) The requested URL returned error: 404'
  run --separate-stderr wget -O x "$U/nope.img"
  assert_equal "$status" 8
}

@test "pvesim download: fail (with retries), truncate (curl 18), short (exit 0, checksum catches it)" {
  pvesim download 'noble-server' fail --http 503 --count 2
  run --separate-stderr curl -fsSL --retry 3 -o a.img "$U/noble-server-cloudimg-amd64.img"
  assert_success
  pvesim download clear
  pvesim download 'noble-server' truncate --count 1
  run --separate-stderr curl -fsSL -o b.img "$U/noble-server-cloudimg-amd64.img"
  assert_equal "$status" 18
  assert_equal "$stderr" \
    "curl: (18) transfer closed with $(($(stat -c %s a.img) - $(stat -c %s b.img))) bytes remaining to read"
  pvesim download 'noble-server' short
  run curl -fsSL -o c.img "$U/noble-server-cloudimg-amd64.img"
  assert_success
  [[ "$(stat -c %s c.img)" -lt "$(stat -c %s a.img)" ]]
  run bash -c "curl -fsSL '$U/SHA256SUMS' | grep -c \"\$(sha256sum c.img | cut -d' ' -f1)\""
  assert_output 0
}

@test "curl -w and -# are honoured" {
  run --separate-stderr curl -fsS -o x -w '%{http_code}\n' "$U/SHA256SUMS"
  assert_output 200
}

@test "qemu-img info reads the fixture header: virtual size and format (text and json)" {
  curl -fsSL -o noble.img "$U/noble-server-cloudimg-amd64.img"
  run qemu-img info noble.img
  assert_line 'file format: qcow2'
  assert_line 'virtual size: 3.5 GiB (3758096384 bytes)'
  run qemu-img info --output=json noble.img
  run node -e 'const j=JSON.parse(process.argv[1]); console.log(j["virtual-size"], j.format)' "$output"
  assert_output '3758096384 qcow2'
  run --separate-stderr qemu-img info /nope.img
  assert_equal "$status" 1
  assert_equal "$stderr" "qemu-img: Could not open '/nope.img': Could not open '/nope.img': No such file or directory"
}

@test "pvesim image add serves a custom image with its checksum file" {
  pvesim image add https://images.example.org/x/custom.qcow2 --size-gib 2 \
    --checksum-url https://images.example.org/x/SHA256SUMS
  curl -fsSL -o c.qcow2 https://images.example.org/x/custom.qcow2
  run curl -fsSL https://images.example.org/x/SHA256SUMS
  assert_output "$(sha256sum c.qcow2 | cut -d' ' -f1)  custom.qcow2"
}
