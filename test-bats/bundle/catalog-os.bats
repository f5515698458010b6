#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# The late-2026 catalog on the simulator: each new key downloads its vendor image, verifies it
# against the vendor's checksum file in that vendor's format, logs in as its user; the RHEL 10
# family gets --cpu x86-64-v3 and is refused (exit 4, nothing created) on a node whose CPU lacks
# x86-64-v3; a custom --image-url without --user logs in as the user its file name says.

setup() {
  load 'bundle'
  sim_setup
}

# provision_os KEY USER CPU IMAGE SUMS: provision KEY; the result, the --cpu model, the image
# downloaded, the checksum file fetched and the cached file.
provision_os() {
  run_bundle --name "os-$1" --os "$1"
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  assert_protocol
  [ "$(proto VM_OS)" = "$1" ]
  [ "$(proto VM_USER)" = "$2" ]
  [ "$(vm_conf 100 ciuser)" = "$2" ]
  [ "$(vm_conf 100 cpu)" = "$3" ]
  [[ "$(vm_conf 100 tags)" == *"os-$1"* ]]
  assert_call "^curl .*$4\$"
  assert_call "^curl .*$5\$"
  [ -f "$LINUS_CACHE_DIR/${4##*/}" ]
}

@test "ubuntu-26.04: resolute image, SHA256SUMS, user ubuntu, CPU x86-64-v2-AES" {
  provision_os ubuntu-26.04 ubuntu x86-64-v2-AES \
    'https://cloud-images.ubuntu.com/resolute/current/resolute-server-cloudimg-amd64.img' \
    'https://cloud-images.ubuntu.com/resolute/current/SHA256SUMS'
}

@test "rocky-10: BSD .CHECKSUM sidecar, user rocky, CPU x86-64-v3" {
  provision_os rocky-10 rocky x86-64-v3 \
    'https://dl.rockylinux.org/pub/rocky/10/images/x86_64/Rocky-10-GenericCloud-Base.latest.x86_64.qcow2' \
    'https://dl.rockylinux.org/pub/rocky/10/images/x86_64/Rocky-10-GenericCloud-Base.latest.x86_64.qcow2.CHECKSUM'
  assert_call '^qm create 100 .*--cpu x86-64-v3 '
}

@test "almalinux-10: GNU CHECKSUM of the directory, user almalinux, CPU x86-64-v3" {
  provision_os almalinux-10 almalinux x86-64-v3 \
    'https://repo.almalinux.org/almalinux/10/cloud/x86_64/images/AlmaLinux-10-GenericCloud-latest.x86_64.qcow2' \
    'https://repo.almalinux.org/almalinux/10/cloud/x86_64/images/CHECKSUM'
}

@test "centos-stream-10: BSD .SHA256SUM sidecar, user cloud-user, CPU x86-64-v3" {
  local img='https://cloud.centos.org/centos/10-stream/x86_64/images/CentOS-Stream-GenericCloud-10-latest.x86_64.qcow2'
  provision_os centos-stream-10 cloud-user x86-64-v3 "$img" "$img.SHA256SUM"
}

@test "fedora-43: versioned names, PGP clear-signed BSD CHECKSUM, user fedora" {
  local dir='https://download.fedoraproject.org/pub/fedora/linux/releases/43/Cloud/x86_64/images'
  provision_os fedora-43 fedora x86-64-v2-AES \
    "$dir/Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2" "$dir/Fedora-Cloud-43-1.6-x86_64-CHECKSUM"
}

@test "opensuse-leap-16: .sha256 sidecar, user opensuse" {
  provision_os opensuse-leap-16 opensuse x86-64-v2-AES \
    'https://download.opensuse.org/distribution/leap/16.0/appliances/Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2' \
    'https://download.opensuse.org/distribution/leap/16.0/appliances/Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2.sha256'
}

@test "aliases: centos, fedora, opensuse resolve to their keys; rocky and alma stay on 9" {
  local a
  for a in centos:centos-stream-10 fedora:fedora-43 opensuse:opensuse-leap-16 leap:opensuse-leap-16 \
    rocky:rocky-9 alma:almalinux-9 ubuntu:ubuntu-24.04; do
    run_bundle --name "al-${a%%:*}" --os "${a%%:*}" --dry-run
    [ "$status" -eq 0 ] || {
      echo "$a: $stderr"
      false
    }
    [ "$(proto VM_OS)" = "${a#*:}" ]
  done
}

@test "a node without x86-64-v3: rocky-10, almalinux-10, centos-stream-10 exit 4, nothing created" {
  local k
  pvesim node cpu pve --level v2
  for k in rocky-10 almalinux-10 centos-stream-10; do
    : >"$PVESIM_DIR/calls.jsonl"
    run_bundle --name "v2-$k" --os "$k"
    [ "$status" -eq 4 ] || {
      echo "$k: $status $output $stderr"
      false
    }
    assert_protocol
    [ "$(proto ERROR_CODE)" = 4 ]
    [ "$(proto ERROR_STEP)" = validate ]
    [[ "$(proto ERROR)" == "$k needs an x86-64-v3 CPU (AVX2); the CPU of node 'pve' lacks: "*avx2* ]]
    [[ "$(proto REMEDIATION)" == *"--node NAME"*"-9"* ]]
    [ "$(proto CLEANUP)" = none ]
    assert_call '^pvesh get /nodes/pve/status'
    assert_no_mutating_calls
  done
  [ "$(pvesim state | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>
    process.stdout.write(String(Object.keys(JSON.parse(s).guests).length)))')" = 0 ]
}

@test "a node without x86-64-v3: the 9s, Ubuntu and custom images are not asked about the CPU" {
  pvesim node cpu pve --level v2
  run_bundle --name v2-rocky9 --os rocky-9
  [ "$status" -eq 0 ] || {
    echo "$stderr"
    false
  }
  [ "$(vm_conf 100 cpu)" = x86-64-v2-AES ]
  refute_call '^pvesh get /nodes/pve/status'
}

@test "only one flag missing (movbe) is enough to refuse, and it is named" {
  local flags
  flags="$(node -e 'import("'"$REPO_ROOT"'/test-bats/sim/lib/cpu.mjs")
    .then(m=>process.stdout.write(m.FLAGS_V3.replace(" movbe","")))')"
  pvesim node cpu pve --flags "$flags"
  run_bundle --name mv --os almalinux-10
  [ "$status" -eq 4 ]
  [[ "$(proto ERROR)" == *"lacks: movbe" ]]
  assert_no_mutating_calls
}

@test "preflight: CHECK_CPU failed:4 on a v2 node, ok on a v3 node; nothing changed" {
  pvesim node cpu pve --level v2
  run_bundle preflight --os centos-stream-10
  [ "$status" -eq 4 ]
  [[ "$(proto CHECK_CPU)" == "failed:4:centos-stream-10 needs an x86-64-v3 CPU"* ]]
  [ "$(proto CHECK_STORAGE)" = ok ]
  [[ "$(proto REMEDIATION)" == *"rocky-9 or almalinux-9"* ]]
  assert_no_mutating_calls
  pvesim node cpu pve --level v3
  run_bundle preflight --os centos-stream-10
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  [ "$(proto CHECK_CPU)" = ok ]
}

@test "another node: its flags come from /nodes/NODE/status (no SSH); a v2 node is refused" {
  sim_setup --nodes 3 --offline-node ''
  pvesim node cpu pve2 --level v2
  run_bundle --name remote-v2 --os rocky-10 --node pve2
  [ "$status" -eq 4 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  [[ "$(proto ERROR)" == *"node 'pve2' lacks"* ]]
  assert_call '^pvesh get /nodes/pve2/status'
  refute_call '^ssh .*cpuinfo'
  assert_no_mutating_calls
}

@test "PVE 7.4: the RHEL 10 family keeps CPU host, and the host CPU is still checked" {
  sim_setup --version 7.4
  run_bundle --name v74-r10 --os rocky-10
  [ "$status" -eq 0 ] || {
    echo "$stderr"
    false
  }
  [ "$(vm_conf 100 cpu)" = host ]
  pvesim node cpu pve --level v2
  run_bundle --name v74-r10b --os rocky-10
  [ "$status" -eq 4 ]
}

@test "custom --image-url without --user: the distro in the file name, else linus; --user wins" {
  local url sum
  url='https://cloud-images.ubuntu.com/custom/Rocky-10-custom.x86_64.qcow2'
  pvesim image add "$url" --size-gib 2 --user rocky >/dev/null
  sum="$(sha256sum "$(sim_image "$url")" | cut -d' ' -f1)"
  run_bundle --name cu1 --image-url "$url" --image-sha256 "$sum"
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  [ "$(proto VM_USER)" = rocky ]
  [ "$(vm_conf 100 ciuser)" = rocky ]
  [ "$(vm_conf 100 cpu)" = x86-64-v2-AES ]
  url='https://cloud-images.ubuntu.com/custom/golden-image.qcow2'
  pvesim image add "$url" --size-gib 2 >/dev/null
  sum="$(sha256sum "$(sim_image "$url")" | cut -d' ' -f1)"
  run_bundle --name cu2 --image-url "$url" --image-sha256 "$sum"
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  [ "$(proto VM_USER)" = linus ]
  run_bundle --name cu3 --image-url "$url" --image-sha256 "$sum" --user admin --dry-run
  [ "$status" -eq 0 ]
  [ "$(proto VM_USER)" = admin ]
}
