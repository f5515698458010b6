#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# --template-cache: the first provision builds a never-booted template per image checksum and
# storage, later ones clone it (linked where the storage can, full on lvm); a new checksum gives a
# new template; two concurrent first runs end with one template.

setup() {
  load 'bundle'
}

# templates: "vmid name" of the templates, one a line.
templates() {
  pvesh get /cluster/resources --type vm --output-format json |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
      for(const v of JSON.parse(s)) if(v.template) console.log(v.vmid, v.name)})'
}

ok_or_show() { [ "$status" -eq 0 ] || {
  echo "$output"
  echo "$stderr"
  false
}; }

@test "lvmthin: first run builds the template (never booted) and clones it linked; the second only clones" {
  sim_setup
  run_bundle --template-cache --name web1 --disk 30
  ok_or_show
  assert_protocol
  run templates
  assert_output --regexp '^100 linus-tpl-ubuntu-24-04-[0-9a-f]{12}$'
  [ "$(vm_conf 100 template)" = 1 ]
  [ "$(vm_conf 100 scsi0)" = 'local-lvm:base-100-disk-0,discard=on,iothread=1,size=3584M' ]
  [ -z "$(pvesim machine-id 100)" ]
  rm -f "$LINUS_CACHE_DIR"/*.img # the template holds the image: a clone needs no image file
  run_bundle --template-cache --name web2
  ok_or_show
  [[ "$stderr" == *"template 100 holds this image"*"no image check or download"* ]]
  [ -z "$(find "$LINUS_CACHE_DIR" -name '*.img')" ]
  [ "$(proto VM_ID)" = 102 ]
  [ "$(vm_conf 102 scsi0)" = 'local-lvm:vm-102-disk-0,discard=on,iothread=1,size=20G' ]
  [ "$(vm_conf 102 tags)" = 'linus;linus-from-100;os-ubuntu-24.04' ]
  [ "$(pvesim machine-id 101)" != "$(pvesim machine-id 102)" ]
  [ "$(pvesim calls --match '^qm create' --count)" = 1 ]
  [ "$(pvesim calls --match '^qm clone 100 ' --count)" = 2 ]
  refute_call '^qm clone .*--full'
}

@test "lvm (thick): no linked clones there, so the clone is full" {
  sim_setup
  pvesim storage add fast --type lvm --content images --total-gib 500 --free-gib 400
  run_bundle --template-cache --storage fast --name full1
  ok_or_show
  assert_call '^qm clone 100 101 --name full1 --full 1$'
  [ "$(vm_conf 101 scsi0)" = 'fast:vm-101-disk-0,discard=on,iothread=1,size=20G' ]
}

@test "dir: the template disk is qcow2 and the clone is a linked qcow2 overlay" {
  sim_setup
  pvesim storage add vmdir --type dir --content images --total-gib 500 --free-gib 400
  run_bundle --template-cache --storage vmdir --name d1
  ok_or_show
  [ "$(vm_conf 100 scsi0)" = 'vmdir:100/base-100-disk-0.qcow2,discard=on,iothread=1,size=3584M' ]
  [[ "$(vm_conf 101 scsi0)" == vmdir:100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2,* ]]
}

@test "a new upstream image (new checksum) gives a new template; the old one stays for its clones" {
  sim_setup
  run_bundle --template-cache --name a1
  ok_or_show
  old="$(templates)"
  pvesim image-agent 1 # the vendor republishes: new bytes, new checksum
  run_bundle --template-cache --name a2
  ok_or_show
  run templates
  assert_line "$old"
  [ "${#lines[@]}" -eq 2 ]
  [ "${lines[0]##* }" != "${lines[1]##* }" ]
}

@test "two concurrent first runs end with one template" {
  sim_setup
  pvesim timing --import 1 >/dev/null
  bash "$BUNDLE" --template-cache --name c1 >"$BATS_TEST_TMPDIR/c1.out" 2>"$BATS_TEST_TMPDIR/c1.err" &
  bash "$BUNDLE" --template-cache --name c2 >"$BATS_TEST_TMPDIR/c2.out" 2>"$BATS_TEST_TMPDIR/c2.err" &
  wait %1 || {
    cat "$BATS_TEST_TMPDIR/c1.err"
    false
  }
  wait %2 || {
    cat "$BATS_TEST_TMPDIR/c2.err"
    false
  }
  run templates
  [ "${#lines[@]}" -eq 1 ]
  grep -q '^LINUS_RESULT:SUCCESS$' "$BATS_TEST_TMPDIR/c1.out"
  grep -q '^LINUS_RESULT:SUCCESS$' "$BATS_TEST_TMPDIR/c2.out"
}

@test "a failed clone configuration rolls back the clone, keeps the template" {
  sim_setup
  pvesim fault qm '^set [0-9]+ ' --error 'VM is locked (clone)'
  run_bundle --template-cache --name f1
  [ "$status" -eq 5 ]
  [ "$(proto CLEANUP)" = destroyed ]
  run templates
  [ "${#lines[@]}" -eq 1 ]
  run qm status 101
  assert_failure
}

@test "a clone with --disk below the image's virtual size (the template's need-<GiB>g tag): exit 1, nothing created" {
  sim_setup
  run_bundle --template-cache --name big1
  ok_or_show
  [[ ";$(vm_conf 100 tags);" == *";need-4g;"* ]]
  : >"$PVESIM_DIR/calls.jsonl"
  run_bundle --template-cache --name small1 --disk 3
  [ "$status" -eq 1 ]
  [ "$(proto ERROR)" = "--disk 3 GiB is below the image's virtual size (4 GiB)" ]
  [ "$(proto REMEDIATION)" = "use --disk 4 or more" ]
  [ "$(pvesim calls --mutating | grep -vc '"tool":"curl"')" = 0 ] # only the checksum file was fetched
}

@test "a template without the need tag (an older build): the image is checked as before" {
  sim_setup
  run_bundle --template-cache --name old1
  ok_or_show
  qm set 100 --tags \
    'linus;linus-tpl;sha-'"$(vm_conf 100 tags | grep -o 'sha-[0-9a-f]*' | cut -d- -f2)"';st-local-lvm;vendor-local' \
    >/dev/null
  run_bundle --template-cache --name old2
  ok_or_show
  [[ "$stderr" == *"cached image verified"* ]]
  [ "$(proto VM_ID)" = 102 ]
}
