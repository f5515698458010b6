#!/usr/bin/env bats
# shellcheck disable=SC2016 # in_step, validated and chk take bash code as a string: its $ expand in the step's shell
# steps/validate.sh and lib-sh/checks-env.sh: each host check, good path and failure branches.

setup() {
  load 'steps'
  steps_init
}

chk() { run in_step "chk_options; chk_version; $1"; }

@test "step_validate passes on a stock host, with read-only calls only" {
  run in_step 'step_validate; echo "node=$CFG_NODE snip=${HOST[snippet_store]} ver=$PVE_MAJOR.$PVE_MINOR"'
  [ "$status" -eq 0 ]
  assert_line "node=pve snip=local ver=8.3"
  assert_no_mutating_calls
  refute_call '^pvesh get /nodes/pve/status'
}

@test "not root: exit 4" {
  LINUS_TEST_EUID=1000 run in_step chk_root
  [ "$status" -eq 4 ]
  assert_line "LINUS_ERROR:not running as root"
}

@test "missing Proxmox tools: exit 2 with remediation" {
  run in_step 'PATH=/usr/bin:/bin; chk_tools'
  [ "$status" -eq 2 ]
  assert_line --partial "LINUS_ERROR:missing Proxmox tools: qm pvesh pvesm pveversion qemu-img"
}

@test "PVE older than 7.4: exit 4" {
  pvesim version 7.3
  chk true
  [ "$status" -eq 4 ]
  assert_line --partial "7.4 or later is needed"
}

@test "node offline: exit 4; unknown node: exit 4 listing the nodes" {
  steps_init --nodes 3
  chk 'CFG_NODE=pve3; chk_node'
  [ "$status" -eq 4 ]
  assert_line --partial "node 'pve3' is offline"
  chk 'CFG_NODE=zzz; chk_node'
  [ "$status" -eq 4 ]
  assert_line --partial "pick one of: pve,pve2,pve3"
}

@test "more cores than the node has: exit 1" {
  steps_init --cpus 4
  IN_STEP_ARGS="--cores 6" chk chk_node
  [ "$status" -eq 1 ]
  assert_line --partial "more than the 4 CPUs"
}

@test "storage: absent, disabled, without images content, too small: exit 4" {
  IN_STEP_ARGS="--storage fast" chk 'chk_node; chk_storage'
  [ "$status" -eq 4 ]
  assert_line "LINUS_ERROR:storage 'fast' does not exist or is disabled on node 'pve'"
  assert_line --partial "LINUS_REMEDIATION:pick one of: local-lvm"
  pvesim storage add fast --type zfspool --content images --disabled
  IN_STEP_ARGS="--storage fast" chk 'chk_node; chk_storage'
  [ "$status" -eq 4 ]
  IN_STEP_ARGS="--storage local" chk 'chk_node; chk_storage'
  [ "$status" -eq 4 ]
  assert_line --partial "no 'images' content"
  pvesim storage add small --type lvm --content images --total-gib 30 --free-gib 10
  IN_STEP_ARGS="--storage small --disk 50" chk 'chk_node; chk_storage'
  [ "$status" -eq 4 ]
  assert_line --partial "has 10 GiB free, the disk needs 50 GiB"
}

@test "storage: thin pools (lvmthin) overcommit: a warning, not a failure; the image data must still fit" {
  pvesim storage set local-lvm --free-gib 10
  IN_STEP_ARGS="--disk 50" chk 'chk_node; chk_storage; echo "type=${HOST[storage_type]}"'
  [ "$status" -eq 0 ]
  assert_line "type=lvmthin"
  assert_output --partial "thin-provisioned"
  # zfspool may be thick (refreservation) and /cluster/resources does not say: it fails
  pvesim storage add tank --type zfspool --content images --total-gib 30 --free-gib 10
  IN_STEP_ARGS="--storage tank --disk 50" chk 'chk_node; chk_storage'
  [ "$status" -eq 4 ]
  # the data of the image itself must fit a thin pool
  head -c 2097152 /dev/zero >"$BATS_TEST_TMPDIR/img"
  chk 'chk_node; chk_storage; HOST[storage_avail]=1048576; chk_thin_room "$BATS_TEST_TMPDIR/img"'
  [ "$status" -eq 4 ]
  assert_line --partial "less than the image's 2 MiB of data"
}

@test "storage: snippets storages found; none gives an empty SNIPPET_STORE" {
  chk 'chk_node; chk_storage; echo "[${HOST[snippet_storages]}] [${HOST[snippet_store]}]"'
  assert_line "[local] [local]"
  pvesim storage set local --content iso,vztmpl,backup
  chk 'chk_node; chk_storage; echo "[${HOST[snippet_storages]}] [${HOST[snippet_store]}]"'
  [ "$status" -eq 0 ]
  assert_line "[] []"
}

@test "bridge: absent (exit 4, listing bridges); --vlan needs a VLAN-aware bridge or a physical port" {
  IN_STEP_ARGS="--bridge vmbr7" chk 'chk_node; chk_bridge'
  [ "$status" -eq 4 ]
  assert_line --partial "pick one of: vmbr0"
  pvesim bridge add vmbr2
  IN_STEP_ARGS="--vlan 10 --bridge vmbr2" chk 'chk_node; chk_bridge'
  [ "$status" -eq 4 ]
  IN_STEP_ARGS="--vlan 10" chk 'chk_node; chk_bridge'
  [ "$status" -eq 0 ]
  pvesim bridge add vmbr1 --vlan-aware
  IN_STEP_ARGS="--vlan 10 --bridge vmbr1" chk 'chk_node; chk_bridge'
  [ "$status" -eq 0 ]
}

@test "conflict: a VM of the name (cluster-wide) or a used --vmid: exit 7" {
  steps_init --nodes 3 --offline-node ''
  pvesim guest add 230 --name web1 --node pve2
  IN_STEP_ARGS="--name web1" chk chk_conflict
  [ "$status" -eq 7 ]
  assert_line --partial "VM 230 on node pve2"
  pvesim guest add 231 --type lxc --node pve3 --name db1
  IN_STEP_ARGS="--vmid 231" chk chk_conflict
  [ "$status" -eq 7 ]
  assert_line "LINUS_ERROR:VMID 231 is taken by CT 'db1' on node pve3"
  assert_line "LINUS_REMEDIATION:pick another --vmid or omit it (then the next free id is used)"
  IN_STEP_ARGS="--vmid 230 --name web9" chk chk_conflict
  [ "$status" -eq 7 ]
  assert_line "LINUS_ERROR:VMID 230 is taken by VM 'web1' on node pve2"
  refute_line --partial "reuse"
  refute_line --partial "--name"
  assert_no_mutating_calls
  IN_STEP_ARGS="--name web2" chk chk_conflict
  [ "$status" -eq 0 ]
}

@test "host key: missing gives exit 4 unless --no-host-key" {
  rm -f "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
  chk chk_hostkey
  [ "$status" -eq 4 ]
  IN_STEP_ARGS="--no-host-key --password" chk chk_hostkey
  [ "$status" -eq 0 ]
}

@test "--memory above the node's total memory: exit 1 naming the total; above its free memory: a warning" {
  steps_init --mem-gib 16
  pvesim node mem pve --used-gib 10
  IN_STEP_ARGS="--memory 17G" chk chk_node
  [ "$status" -eq 1 ]
  assert_line "LINUS_ERROR:--memory 17408 MiB is more than the 16384 MiB of memory of node 'pve'"
  assert_line "LINUS_REMEDIATION:use --memory 16384 or less (e.g. --memory 8G), or another --node (or --node auto)"
  assert_no_mutating_calls
  IN_STEP_ARGS="--memory 8GB" chk 'chk_node; res_reset; res_set RESULT X; res_print'
  [ "$status" -eq 0 ]
  assert_line --partial "warning: --memory 8192 MiB is more than the 6144 MiB free on node 'pve' now"
  assert_line "LINUS_WARNING:--memory 8192 MiB is more than the 6144 MiB free on node 'pve'"
  IN_STEP_ARGS="--memory 6G" chk 'chk_node; res_reset; res_set RESULT X; res_print'
  [ "$status" -eq 0 ]
  refute_line --partial "LINUS_WARNING"
  refute_line --partial "warning:"
}

@test "--memory with --node auto is checked against the node it picks" {
  steps_init --nodes 3 --mem-gib 8
  pvesim node mem pve2 --mem-gib 64 --used-gib 1
  IN_STEP_ARGS="--node auto --memory 100G" chk chk_node
  [ "$status" -eq 1 ]
  assert_line "LINUS_ERROR:--memory 102400 MiB is more than the 65536 MiB of memory of node 'pve2'"
  IN_STEP_ARGS="--node auto --memory 32G" chk 'chk_node; echo "node=$CFG_NODE"'
  [ "$status" -eq 0 ]
  assert_line "node=pve2"
  refute_line --partial "warning: --memory"
}

@test "static --ip in another guest's config (any node, VM or CT): exit 7 naming it, before any change" {
  steps_init --nodes 3 --offline-node ''
  pvesim guest add 240 --name db1 --node pve2 --ip 192.168.50.10/24 --gw 192.168.50.1
  pvesim guest add 241 --type lxc --name cache1 --node pve3 --ip 192.168.50.11/24
  pvesim guest add 242 --name tpl1 --ip 192.168.50.12/24 --template
  IN_STEP_ARGS="--ip 192.168.50.10/24 --gateway 192.168.50.1" chk 'chk_node; chk_ipfree'
  [ "$status" -eq 7 ]
  assert_line "LINUS_ERROR:--ip 192.168.50.10 is already the static address of VM 240 'db1' on node pve2 (ipconfig0)"
  local fix="LINUS_REMEDIATION:pick another --ip (or --ip dhcp), or give VM 240 another address first"
  assert_line "${fix} (qm set 240 --ipconfig0 ...)"
  IN_STEP_ARGS="--ip 192.168.50.11/24 --gateway 192.168.50.1" chk 'chk_node; chk_ipfree'
  [ "$status" -eq 7 ]
  assert_line "LINUS_ERROR:--ip 192.168.50.11 is already the static address of CT 241 'cache1' on node pve3 (net0)"
  assert_line --partial "(pct set 241 --net0 ...)"
  # a template never runs; 192.168.50.1 (a prefix of .10, .11, .12) is held by nobody
  for a in 192.168.50.12 192.168.50.1 192.168.50.100; do
    IN_STEP_ARGS="--ip $a/24 --gateway 192.168.50.2" LINUS_IP_PROBE=off chk 'chk_node; chk_ipfree'
    [ "$status" -eq 0 ]
  done
  assert_no_mutating_calls
}

@test "static --ip answering on the bridge (arping, else ping + neighbour table): exit 7; free: passes" {
  pvesim lan add 192.168.50.20 --mac a0:36:9f:aa:00:20
  for probe in auto arping ping; do
    IN_STEP_ARGS="--ip 192.168.50.20/24 --gateway 192.168.50.1" LINUS_IP_PROBE=$probe chk 'chk_node; chk_ipfree'
    [ "$status" -eq 7 ]
    assert_line --partial "LINUS_ERROR:--ip 192.168.50.20 answers on bridge vmbr0 ("
    assert_line --partial "): a device"
    assert_line "LINUS_REMEDIATION:pick another --ip (or --ip dhcp); check with: ip neigh show 192.168.50.20"
  done
  assert_call '^arping -D -c 2 -w 3 -I vmbr0 192.168.50.20$'
  assert_call '^ping -n -c 1 -W 2 -I vmbr0 192.168.50.20$'
  IN_STEP_ARGS="--ip 192.168.50.20/24 --gateway 192.168.50.1" chk 'chk_node; chk_ipfree'
  assert_line \
    "LINUS_ERROR:--ip 192.168.50.20 answers on bridge vmbr0 (arping): a device with MAC a0:36:9f:aa:00:20 has it"
  IN_STEP_ARGS="--ip 192.168.50.21/24 --gateway 192.168.50.1" chk 'chk_node; chk_ipfree'
  [ "$status" -eq 0 ]
  assert_line --partial "--ip 192.168.50.21 is free: no guest config holds it and nothing answered on vmbr0 (arping)"
  # neighbour table only (neither arping nor ping): an address it does not know passes
  IN_STEP_ARGS="--ip 192.168.50.20/24 --gateway 192.168.50.1" LINUS_IP_PROBE=neigh chk 'chk_node; chk_ipfree'
  [ "$status" -eq 0 ]
  # dhcp: no probe at all
  : >"$PVESIM_DIR/calls.jsonl"
  chk 'chk_node; chk_ipfree'
  [ "$status" -eq 0 ]
  refute_call '^(arping|ping) '
  assert_no_mutating_calls
}

@test "static --ip of a running VM that got it by DHCP: the probe names that VM by its MAC" {
  pvesim guest add 250 --name web7 --status running
  ip="$(pvesim ip 250)"
  IN_STEP_ARGS="--ip $ip/16 --gateway 10.233.0.1" chk 'chk_node; chk_ipfree'
  [ "$status" -eq 7 ]
  local re="^LINUS_ERROR:--ip $ip answers on bridge vmbr0 \(arping\): "
  re+="VM 250 'web7' on node pve \(MAC bc:24:11:00:00:fa\) has it$"
  assert_line --regexp "$re"
  # without arping and ping, this host's neighbour table knows it
  IN_STEP_ARGS="--ip $ip/16 --gateway 10.233.0.1" LINUS_IP_PROBE=neigh chk 'chk_node; chk_ipfree'
  [ "$status" -eq 7 ]
  assert_line --partial "(neigh): VM 250 'web7' on node pve (MAC bc:24:11:00:00:fa) has it"
}

@test "static --ip: with --vlan or a VM on another node only the configs are checked; a failed probe warns" {
  steps_init --nodes 3 --offline-node ''
  pvesim bridge add vmbr1 --vlan-aware
  pvesim lan add 192.168.50.30 --bridge vmbr1
  IN_STEP_ARGS="--ip 192.168.50.30/24 --gateway 192.168.50.1 --bridge vmbr1 --vlan 20" chk 'chk_node; chk_ipfree'
  [ "$status" -eq 0 ]
  assert_line --partial "not probed on the network (VLAN 20 has no interface on this host)"
  IN_STEP_ARGS="--ip 192.168.50.30/24 --gateway 192.168.50.1 --bridge vmbr1 --node pve2" chk 'chk_node; chk_ipfree'
  [ "$status" -eq 0 ]
  assert_line --partial "not probed on the network (the bridge is on node pve2)"
  pvesim fault arping '^-D' --error 'arping: socket: Operation not permitted' --exit 2
  IN_STEP_ARGS="--ip 192.168.50.31/24 --gateway 192.168.50.1" chk 'chk_node; chk_ipfree'
  [ "$status" -eq 0 ]
  local want="warning: --ip 192.168.50.31: could not probe it on vmbr0 (arping: socket: Operation not permitted)"
  assert_line --partial "${want}; only the guest configs were checked"
}

@test "preflight: the image source answers (one ranged GET of the checksum URL) and the storage's free space" {
  run in_step act_preflight
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  assert_line "LINUS_CHECK_SOURCE:ok"
  assert_line "LINUS_STORAGE:local-lvm"
  assert_line --regexp '^LINUS_STORAGE_FREE_GIB:[0-9]+$'
  assert_line "LINUS_STORAGE_TYPE:lvmthin"
  assert_line --regexp '^LINUS_IMAGE_SOURCE:https://cloud-images\.ubuntu\.com/.*/SHA256SUMS$'
  assert_line --regexp '^LINUS_JSON:.*"storage":"local-lvm","storage_free_gib":[0-9]+,'
  assert_call '^curl -fsS -r 0-0 --connect-timeout 10 --max-time 20 https://cloud-images\.ubuntu\.com/.*/SHA256SUMS$'
  [ "$(pvesim calls --tool curl --count)" = 1 ]
  assert_no_mutating_calls
}

@test "preflight: an image source that does not answer fails with exit 4 (HTTP error, unknown host, custom URL)" {
  pvesim download 'SHA256SUMS$' fail --http 503
  run in_step act_preflight
  [ "$status" -eq 4 ]
  assert_line "LINUS_ERROR_STEP:source"
  local re="^LINUS_ERROR:the checksum file of ubuntu-24.04 does not answer: "
  re+="https://cloud-images\.ubuntu\.com/.*/SHA256SUMS \(curl: \(22\) The requested URL returned error: 503\)$"
  assert_line --regexp "$re"
  assert_line --partial "LINUS_REMEDIATION:check this host's DNS and internet access"
  assert_line "LINUS_CHECK_STORAGE:ok"
  assert_line --regexp '^LINUS_CHECK_SOURCE:failed:4:'
  pvesim download clear
  local zeros want
  zeros="$(printf '%064d' 0)"
  IN_STEP_ARGS="--image-url https://images.example.invalid/x.qcow2?sig=SECRET123 --image-sha256 $zeros --user u" \
    run in_step act_preflight
  [ "$status" -eq 4 ]
  want="LINUS_ERROR:the image URL does not answer: https://images.example.invalid/x.qcow2?<redacted>"
  want+=" (curl: (6) Could not resolve host: images.example.invalid)"
  assert_line "$want"
  refute_output --partial SECRET123
  assert_no_mutating_calls
}

@test "preflight: without curl the source is probed with wget" {
  mkdir -p "$BATS_TEST_TMPDIR/nocurl"
  for t in "$SIM_BIN"/*; do [[ "${t##*/}" == curl ]] || ln -s "$t" "$BATS_TEST_TMPDIR/nocurl/"; done
  for t in bash perl flock timeout mktemp sha256sum sha512sum ssh ssh-keyscan ssh-keygen sed grep sort tr cat rm \
    dirname mkdir chmod head stat date sleep env tail wc cut uname id awk basename readlink ls cp mv node; do
    p="$(command -v "$t")" && ln -sf "$p" "$BATS_TEST_TMPDIR/nocurl/$t"
  done
  local prog='source "$REPO_ROOT/actions/preflight.sh"; exec 3>&1; opt_parse; chk_options; chk_source; '
  prog+='echo "src=${HOST[image_source]}"'
  run env PATH="$BATS_TEST_TMPDIR/nocurl" bash -c "$prog"
  [ "$status" -eq 0 ] || {
    echo "$output"
    false
  }
  assert_line --regexp '^src=https://cloud-images\.ubuntu\.com/.*/SHA256SUMS$'
  assert_call '^wget -q --tries=1 --timeout=10 --header=Range:bytes=0-0 -O - https://cloud-images'
  refute_call '^curl '
}
