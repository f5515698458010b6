#!/usr/bin/env bats
# Bad input: malformed, out-of-range and hostile values for every option of CONTRACT §2, as flags
# and as env vars. Each run gets the contract's exit code (1 a bad value, 3 a missing setting),
# the FAILURE lines with a remediation, makes no mutating call, and executes nothing it was given.

setup() {
  load 'reliability'
  rel_setup
  M="$REL_MARKER"
  rm -f "$M"
  LONG="$(printf 'a%.0s' {1..5000})"
}

# bad CODE ARGS...: one case of flags; bad_env CODE VAR=VALUE... -- ARGS...: one case of env vars.
bad() {
  local code="$1"
  shift
  bad_env "$code" -- "$@"
}
bad_env() {
  local code="$1" envs=() shown
  shift
  while [[ "$1" != -- ]]; do
    envs+=("$1")
    shift
  done
  shift
  shown="$(printf '%q ' "${envs[@]+"${envs[@]}"}" "$@")"
  rel_case "exit $code: ${shown:0:90}"
  : >"$PVESIM_DIR/calls.jsonl"
  run --separate-stderr env "${envs[@]+"${envs[@]}"}" bash "$BUNDLE" "$@"
  chk failure_lines_ok "$code" none
  chk is_eq "$(mutating_count)" 0
  chk test ! -e "$M"
  rel_case_end
}

@test "bad values of every provision option: exit 1, 3 or 7 (a taken --vmid or --ip), FAILURE lines, no mutating call" {
  bad 1 --name "web;touch $M"
  bad 1 --name "\$(touch $M)"
  bad 1 --name "\`touch $M\`"
  bad 1 --name "we'b\"1"
  bad 1 --name $'web\ntouch '"$M"
  bad 1 --name "wéb-ünïcode"
  bad 1 --name "$LONG"
  bad 1 --name -web
  bad 1 --cores 0
  bad 1 --cores 99
  bad 1 --cores "2;touch $M"
  bad 1 --cores 1.5
  bad 1 --memory 511
  bad 1 --memory 8X
  bad 1 --memory "\$(touch $M)"
  bad 1 --memory 8.5G
  bad 1 --memory 8,5GB
  bad 1 --memory 8KB
  bad 1 --memory 64G
  bad 1 --disk 0
  bad 1 --disk -5
  bad 1 --disk 100T
  bad 1 --disk 1.5T
  bad 1 --disk 50M
  bad 1 --disk 50GBB
  bad 1 --os windows-11
  bad 1 --os "../../etc/passwd"
  bad 1 --image-url "ftp://example.com/x.img" --image-sha256 "$(printf '%064d' 0)" --user u
  bad 1 --image-url "https://example.com/x.img;touch $M" --image-sha256 "$(printf '%064d' 0)" --user u
  # & and = are fine in a (signed) URL's query; what a shell would act on is still refused
  bad 1 --image-url "https://example.com/x.img?a=1&b=\$(touch $M)" --image-sha256 "$(printf '%064d' 0)" --user u
  bad 1 --image-url "https://example.com/x.img?a=1&b=\`touch $M\`" --image-sha256 "$(printf '%064d' 0)" --user u
  bad 1 --image-url "https://example.com/x.img?a=1&b=2|touch${M}" --image-sha256 "$(printf '%064d' 0)" --user u
  bad 1 --image-url "https://example.com/x.img?a=1&b=2>${M}" --image-sha256 "$(printf '%064d' 0)" --user u
  bad 1 --image-url "https://example.com/x.img?a=1&b='2'" --image-sha256 "$(printf '%064d' 0)" --user u
  bad 1 --image-url $'https://example.com/x.img?a=1&b=2\ntouch '"$M" --image-sha256 "$(printf '%064d' 0)" --user u
  bad 1 --image-url https://example.com/x.img --image-sha256 xyz --user u
  bad 3 --image-url https://example.com/x.img
  bad 1 --node "pve;touch $M"
  bad 1 --storage "local-lvm\`touch $M\`"
  bad 1 --bridge "vmbr0 \$(touch $M)"
  bad 1 --vlan 0
  bad 1 --vlan 4095
  bad 1 --vlan ten
  bad 1 --ip 300.1.1.1/24 --gateway 300.1.1.1
  bad 1 --ip 10.0.0.5/33 --gateway 10.0.0.1
  bad 1 --ip "10.0.0.5/24;touch $M" --gateway 10.0.0.1
  bad 3 --ip 10.0.0.5/24
  bad 1 --ip 10.0.0.5/24 --gateway 10.1.0.1
  bad 1 --dns "1.1.1.1;touch $M"
  bad 1 --dns not-an-address
  bad 1 --user "root;touch $M"
  bad 1 --user "Ünïcode"
  bad 1 --user "$LONG"
  bad 1 --ssh-key "not a key"
  bad 1 --ssh-key $'ssh-ed25519 AAAA\ntouch '"$M"
  bad 1 --ssh-key-file "/nonexistent/keys;touch $M"
  bad 1 --vmid 99
  bad 1 --vmid 1000000000
  bad 1 --vmid "100\$(touch $M)"
  pvesim guest add 150 --name db1 --ip 10.0.0.50/24 --status running >/dev/null
  pvesim lan add 10.0.0.60 >/dev/null
  bad 7 --vmid 150
  bad 7 --ip 10.0.0.50/24 --gateway 10.0.0.1
  bad 7 --ip 10.0.0.60/24 --gateway 10.0.0.1
  bad 1 --network-timeout abc
  bad 1 --network-timeout -1
  bad 1 --ssh-timeout "\`touch $M\`"
  bad 1 --ssh-timeout 1e3
  bad 3 --cores
  bad 1 --no-such-option
  # the day-2 actions, on a VM they may act on: the values are refused before it is looked at
  pvesim guest add 160 --name app --tags linus --status running >/dev/null
  bad 1 snapshot 160 "s1;touch $M"
  bad 1 snapshot 160 "\$(touch $M)"
  bad 1 rollback 160 "$LONG"
  bad 1 snapshot 160 current
  bad 1 snapshot 160 s1 s2
  bad 3 snapshot 160
  bad 1 stop 160 --timeout "\$(touch $M)"
  bad 1 stop 160 --timeout -5
  bad 1 start "160;touch $M"
  bad 3 reboot
  rel_done bad-input "malformed, out-of-range and hostile values of every option (flags)"
}

@test "bad values given as env vars, and hostile values in every env var" {
  bad_env 1 VM_NAME="x;touch $M" -- --dry-run
  bad_env 1 VM_CPU="\$(touch $M)" --
  bad_env 1 VM_RAM="\`touch $M\`" --
  bad_env 1 VM_DISK="20;touch $M" --
  bad_env 1 VM_RAM=8.5GB --
  bad_env 1 VM_DISK=1.5TB --
  bad_env 1 VM_OS="ubuntu\$(touch $M)" --
  bad_env 3 VM_IMAGE_URL="https://example.com/x.img" --
  bad_env 1 VM_IMAGE_URL="https://example.com/x.img?a=1&b=\$(touch $M)" VM_IMAGE_SHA256="$(printf '%064d' 0)" \
    VM_SSH_USER=u --
  bad_env 1 PROXMOX_NODE="\$(touch $M)" --
  bad_env 1 PROXMOX_STORAGE="a b" --
  bad_env 1 PROXMOX_BRIDGE="vmbr0;touch $M" --
  bad_env 1 VM_VLAN=-1 --
  bad_env 1 VM_IP="dhcp;touch $M" --
  bad_env 1 VM_IP=10.0.0.5/24 VM_GATEWAY="\$(touch $M)" --
  bad_env 1 VM_DNS="\`touch $M\`" --
  bad_env 1 VM_SSH_USER="a'b" --
  bad_env 1 SSH_PUBLIC_KEY="\$(touch $M)" --
  bad_env 1 SSH_PUBLIC_KEY_FILE="/nonexistent" --
  bad_env 1 VM_ID=abc --
  bad_env 1 NETWORK_TIMEOUT="\$(touch $M)" --
  bad_env 1 SSH_TIMEOUT=0x10 --
  bad_env 1 DRY_RUN="\$(touch $M)" --
  bad_env 1 KEEP_ON_FAILURE=maybe --
  rel_done bad-input "hostile and malformed values of every env var"
}
