#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr is set by bats' run --separate-stderr (run_bundle)
# --node auto and VMs on another cluster node: the choice (online, storage, bridge, most free
# memory), creation through pvesh on /nodes/NODE/qemu (qm acts only on the local node), the image
# downloaded onto that node by Proxmox, the snippet written there, rollback through pvesh.

setup() {
  load 'bundle'
  sim_setup --nodes 3 --offline-node ''
  pvesim node mem pve2 --mem-gib 64 >/dev/null
  pvesim node mem pve3 --mem-gib 128 >/dev/null
}

# on_node ID: the node the simulated VM lives on.
on_node() { vm_field "$1" node; }

@test "--node auto: the online node with the most free memory; created there through pvesh" {
  run_bundle --name a1 --node auto
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  assert_protocol
  [ "$(proto VM_NODE)" = pve3 ]
  [ "$(on_node 100)" = pve3 ]
  [[ "$stderr" == *"--node auto: node pve3 "* ]]
  assert_call '^pvesh create /nodes/pve3/qemu --vmid 100 --name a1 '
  assert_call \
    '^pvesh create /nodes/pve3/storage/local/download-url .*--checksum [0-9a-f]{64} --checksum-algorithm sha256'
  refute_call '^qm (create|start|resize)'
  # sshkeys went through the API as strictly url-encoded text
  refute_call '^pvesh create /nodes/pve3/qemu .*--sshkeys /'
  [[ "$(vm_conf 100 sshkeys)" == ssh-ed25519%20* ]]
  [[ "$(vm_conf 100 scsi0)" == *size=20G* ]]
  [ "$(vm_field 100 status)" = running ]
}

@test "--node auto skips an offline node" {
  pvesim node offline pve3 >/dev/null
  run_bundle --name a2 --node auto
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  [ "$(proto VM_NODE)" = pve2 ]
  [ "$(on_node 100)" = pve2 ]
}

@test "--node auto skips a node without the bridge, and one without the storage" {
  pvesim bridge add vmbr9 --nodes pve,pve2 >/dev/null
  run_bundle --name a3 --node auto --bridge vmbr9 --dry-run
  [ "$status" -eq 0 ]
  [ "$(proto VM_NODE)" = pve2 ]
  [[ "$stderr" == *"skipped: pve3: no bridge vmbr9"* ]]
  pvesim storage add fast --type lvmthin --content images --nodes pve --free-gib 500 >/dev/null
  run_bundle --name a3 --node auto --storage fast --dry-run
  [ "$status" -eq 0 ]
  [ "$(proto VM_NODE)" = pve ]
  assert_no_mutating_calls
  # no node qualifies: exit 4 with the reasons
  run_bundle --name a3 --node auto --bridge vmbr7
  [ "$status" -eq 4 ]
  [[ "$(proto ERROR)" == *"no online node has storage 'local-lvm' and bridge 'vmbr7'"* ]]
}

@test "explicit remote --node: pvesh on /nodes/OTHER/qemu, no qm create; snippet written on that node" {
  run_bundle --name r1 --node pve2
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  [ "$(proto VM_NODE)" = pve2 ]
  [ "$(on_node 100)" = pve2 ]
  assert_call '^pvesh create /nodes/pve2/qemu --vmid 100 '
  assert_call '^pvesh set /nodes/pve2/qemu/100/resize --disk scsi0 --size 20G$'
  assert_call '^pvesh create /nodes/pve2/qemu/100/status/start$'
  refute_call '^qm create'
  [ -s "$(pvesim node-path pve2 "$PVESIM_DIR/storage/local/snippets/linus-100-vendor.yaml")" ] ||
    [ -s "$(pvesim node-path pve2 /var/lib/vz/snippets/linus-100-vendor.yaml)" ]
}

@test "rollback of a remote create: the VM is destroyed through pvesh" {
  pvesim start-error 'kvm: simulated start failure' >/dev/null
  run_bundle --name r2 --node pve2
  [ "$status" -eq 5 ]
  [ "$(proto CLEANUP)" = destroyed ]
  assert_call '^pvesh delete /nodes/pve2/qemu/100 --purge 1 --destroy-unreferenced-disks 1'
  run pvesim vm 100
  [ "$status" -ne 0 ]
  # the vendor snippet written on pve2 (not shared) is removed there too
  assert_call '^ssh .*root@pve2 rm -f -- .*linus-100-vendor.yaml'
  [ ! -e "$(pvesim node-path pve2 "$PVESIM_DIR/storage/local/snippets/linus-100-vendor.yaml")" ]
  [ ! -e "$(pvesim node-path pve2 /var/lib/vz/snippets/linus-100-vendor.yaml)" ]
}

@test "remote VM without the guest agent: the IP from that node's neighbour table, read over root ssh" {
  pvesim storage set local --content iso,vztmpl,backup >/dev/null # no snippets: no agent
  run_bundle --name n1 --node pve2
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  assert_protocol
  [ "$(proto VM_NODE)" = pve2 ]
  [ "$(proto VM_IP)" = "$(pvesim ip 100)" ]
  [ "$(proto VM_IP_SOURCE)" = neighbour ]
  [[ "$stderr" == *"the IP comes from node pve2's neighbour table (over ssh)"* ]]
  assert_call '^ssh -e none -o BatchMode=yes -o ConnectTimeout=10 root@pve2 ip neigh show dev vmbr0$'
  # this host's table knows nothing of pve2's VMs: not asked
  refute_call '^ip neigh'
}

@test "remote VM, the node's neighbour table unreadable (ssh fails): exit 6 naming the ssh fix, VM removed" {
  pvesim storage set local --content iso,vztmpl,backup >/dev/null
  pvesim fault ssh 'root@pve2 ip neigh' --count 0 --error 'root@pve2: Permission denied (publickey).' >/dev/null
  run_bundle --name n2 --node pve2 --network-timeout 2
  [ "$status" -eq 6 ]
  assert_protocol
  local want="VM 100 reported no IPv4 address within 2s (node pve2's neighbour table (over ssh) could not be read: "
  want+="root@pve2: Permission denied (publickey).)"
  [ "$(proto ERROR)" = "$want" ]
  want="check root ssh from this node to pve2 (ssh root@pve2 true; pvecm updatecerts), or use --ip with --gateway; "
  [[ "$(proto REMEDIATION)" == "$want"* ]]
  [ "$(proto CLEANUP)" = destroyed ]
  # warned once while waiting, not at every poll; each ssh bounded by the time left (2 s here)
  [ "$(grep -c "cannot read node pve2's neighbour table" <<<"$stderr")" -eq 1 ]
  assert_call '^ssh -e none -o BatchMode=yes -o ConnectTimeout=2 root@pve2 ip neigh show dev vmbr0$'
  refute_call 'ConnectTimeout=10 root@pve2 ip neigh'
  refute_call '^ip neigh'
  run pvesim vm 100
  [ "$status" -ne 0 ]
  assert_call '^pvesh delete /nodes/pve2/qemu/100 '
}

@test "remote VM, a hung ssh to the node is cut off: the run still ends at --network-timeout" {
  pvesim storage set local --content iso,vztmpl,backup >/dev/null
  # an ssh that hangs on the neighbour read (a node that accepts the connection, then stalls)
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  printf '#!/bin/bash\n[[ "$*" == *"ip neigh"* ]] && exec sleep 300\nexec %q "$@"\n' "$SIM_BIN/ssh" \
    >"$BATS_TEST_TMPDIR/bin/ssh"
  chmod +x "$BATS_TEST_TMPDIR/bin/ssh"
  local t0=$SECONDS
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run_bundle --name n3 --node pve2 --network-timeout 3
  [ "$status" -eq 6 ]
  [ "$((SECONDS - t0))" -lt 30 ]
  [[ "$(proto ERROR)" == *"could not be read: no answer within 3s)" ]]
  [ "$(proto CLEANUP)" = destroyed ]
}

# remote_calls: the run's Proxmox calls (qm, pvesh, pvesm, pveversion) without the polls
# (status/current, agent), one a line.
remote_calls() {
  pvesim calls --args | grep -E '^(qm|pvesh|pvesm|pveversion) ' | grep -vE '/status/current|/agent/' || true
}

@test "remote provision: its Proxmox calls counted; the create is checked by one config read before the resize" {
  run_bundle --name c1 --node pve2
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  local calls
  calls="$(remote_calls)"
  echo "$calls" >&2
  # resources, node network, download-url, snippet path probe, nextid, create, config (create
  # check), resize, config (size check), start
  [ "$(grep -c . <<<"$calls")" -le 10 ]
  [ "$(grep -c '^pvesh get /nodes/pve2/qemu/100/config ' <<<"$calls")" -eq 2 ]
  # the order: create, its check, then the resize
  grep -A3 '^pvesh create /nodes/pve2/qemu --vmid 100 ' <<<"$calls" | sed 1d |
    cut -d' ' -f1-3 >"$BATS_TEST_TMPDIR/after"
  printf '%s\n' 'pvesh get /nodes/pve2/qemu/100/config' 'pvesh set /nodes/pve2/qemu/100/resize' \
    'pvesh get /nodes/pve2/qemu/100/config' | diff - "$BATS_TEST_TMPDIR/after"
  refute_call '^qm '
}

@test "remote create whose task fails (pvesh exits 0, config gone): exit 5, the task's error, no resize, nothing left" {
  pvesim fault pvesh '^create /nodes/pve2/qemu --vmid' --exit 0 \
    --error 'scsi0: import failed: no space left on device' >/dev/null
  run_bundle --name f1 --node pve2
  [ "$status" -eq 5 ]
  assert_protocol
  local task='the task on node pve2 did not leave VM 100 present'
  [[ "$(proto ERROR)" == "qm create failed: "*"scsi0: import failed: no space left on device"*"$task"* ]]
  refute_call '/qemu/100/resize'
  refute_call '^pvesh delete '
  run pvesim vm 100
  [ "$status" -ne 0 ]
  run pvesim volumes
  refute_output --partial 'vm-100-'
  [ ! -e "$(pvesim node-path pve2 "$PVESIM_DIR/storage/local/snippets/linus-100-vendor.yaml")" ]
  [ ! -e "$(pvesim node-path pve2 /var/lib/vz/snippets/linus-100-vendor.yaml)" ]
}

@test "remote create whose task fails while another run takes the id: that VM is not touched" {
  # pvesh of the create: the task fails (exit 0, error on stderr) and another run's create of
  # the same id on pve2 lands before this run reads the config back
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  cat >"$BATS_TEST_TMPDIR/bin/pvesh" <<EOS
#!/bin/bash
if [[ "\$1 \$2" == "create /nodes/pve2/qemu" ]]; then
  pvesim guest add 100 --node pve2 --name other --tags linus >/dev/null
  echo 'scsi0: import failed: no space left on device' >&2
  echo 'UPID:pve2:00001234:00000001:6B000000:qmcreate:100:root@pam:'
  exit 0
fi
exec '$SIM_BIN/pvesh' "\$@"
EOS
  chmod +x "$BATS_TEST_TMPDIR/bin/pvesh"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run_bundle --name f2 --node pve2
  [ "$status" -eq 5 ]
  [[ "$(proto ERROR)" == *"VM 100 on node pve2 is named 'other', not 'f2'"* ]]
  [ "$(vm_conf 100 name)" = other ]
  [ "$(on_node 100)" = pve2 ]
  refute_call '^pvesh (delete|set|create) /nodes/pve2/qemu/100'
}

@test "remote create, its config unreadable a moment after the task: taken as created (journaled), the run goes on" {
  pvesim fault pvesh '^get /nodes/pve2/qemu/100/config' --nth 1 --count 1 \
    --error "500 Can't connect to 192.168.100.12:8006 (Connection timed out)" >/dev/null
  run_bundle --name u1 --node pve2
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  [[ "$stderr" == *"cannot read the config of VM 100 on node pve2 after the task: 500 Can't connect"* ]]
  [ "$(vm_field 100 status)" = running ]
}

@test "remote create, config unreadable after the task, the run fails later: the VM is rolled back, not left behind" {
  pvesim fault pvesh '^get /nodes/pve2/qemu/100/config' --nth 1 --count 1 \
    --error "500 Can't connect to 192.168.100.12:8006 (Connection timed out)" >/dev/null
  pvesim start-error 'kvm: simulated start failure' >/dev/null
  run_bundle --name u2 --node pve2
  [ "$status" -eq 5 ]
  [ "$(proto CLEANUP)" = destroyed ]
  run pvesim vm 100
  [ "$status" -ne 0 ]
}

# pvesh_wrap 'CODE': a pvesh in front of the simulator's; CODE runs for `pvesh create
# /nodes/pve2/qemu ...` ("$@" are its args, $SIM the simulator's pvesh), other calls go through.
pvesh_wrap() {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  # shellcheck disable=SC2016 # the $ are the wrapper script's
  printf '#!/bin/bash\nSIM=%q\nif [[ "$1 $2" == "create /nodes/pve2/qemu" ]]; then\n%s\nfi\nexec "$SIM" "$@"\n' \
    "$SIM_BIN/pvesh" "$1" >"$BATS_TEST_TMPDIR/bin/pvesh"
  chmod +x "$BATS_TEST_TMPDIR/bin/pvesh"
}
# the error of a remote pvesh whose proxy ssh dropped
PROXY_FAILED="proxy handler failed: command 'ssh root@192.168.100.12 pvesh --noproxy create /nodes/pve2/qemu'"
PROXY_FAILED+=" failed: exit code 255"

@test "remote create: pvesh dies after the worker made the VM (proxy ssh dropped): the VM is this run's, run goes on" {
  # shellcheck disable=SC2016 # the $ are the wrapper script's
  pvesh_wrap '"$SIM" "$@"; echo "'"$PROXY_FAILED"'" >&2; exit 255'
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run_bundle --name o1 --node pve2
  [ "$status" -eq 0 ] || {
    echo "$output" "$stderr"
    false
  }
  [[ "$stderr" == *"pvesh failed, but VM 100 on node pve2 exists with this name: taken as created"* ]]
  [ "$(proto VM_ID)" = 100 ]
  [ "$(vm_field 100 status)" = running ]
}

@test "remote create: pvesh dies before the worker ran: exit 5, nothing created, nothing adopted" {
  pvesh_wrap 'echo "'"$PROXY_FAILED"'" >&2; exit 255'
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run_bundle --name o2 --node pve2
  [ "$status" -eq 5 ]
  [[ "$(proto ERROR)" == "qm create failed: proxy handler failed: "* ]]
  [[ "$stderr" != *"taken as created"* ]]
  run pvesim vm 100
  [ "$status" -ne 0 ]
}

@test "remote create refused with 'already exists' by a VM of the same name: never adopted, never touched" {
  # another run's VM (same name, tag linus) takes id 100 on pve2 just before this run's create
  pvesh_wrap 'pvesim guest add 100 --node pve2 --name o3 --tags linus >/dev/null
    echo "unable to create VM 100 - VM 100 already exists on node '\''pve2'\''" >&2; exit 255'
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run_bundle --name o3 --node pve2 --vmid 100
  [ "$status" -eq 7 ]
  [[ "$stderr" != *"taken as created"* ]]
  [ "$(vm_conf 100 name)" = o3 ]
  refute_call '^pvesh (delete|set|create) /nodes/pve2/qemu/100'
}
