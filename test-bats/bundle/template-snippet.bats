#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr is set by bats' run --separate-stderr
# --template-cache and the guest-agent vendor snippet: a template carries one VM-independent
# snippet (cicustom vendor=STORE:snippets/linus-agent-vendor.yaml, tag vendor-STORE) that its
# clones inherit, so a clone needs no snippet path probe and no snippet of its own; a deleted
# shared snippet is written again when a clone's start reports it missing.

setup() {
  load 'bundle'
  sim_setup
}

ok_or_show() { [ "$status" -eq 0 ] || {
  echo "$output"
  echo "$stderr"
  false
}; }

shared() { pvesm path local:snippets/linus-agent-vendor.yaml; }
own() { pvesm path "local:snippets/linus-$1-vendor.yaml"; }

@test "the template carries the shared vendor snippet; its clones inherit it and get no snippet of their own" {
  run_bundle --template-cache --name s1
  ok_or_show
  [ "$(vm_conf 100 cicustom)" = 'vendor=local:snippets/linus-agent-vendor.yaml' ]
  [[ ";$(vm_conf 100 tags);" == *";vendor-local;"* ]]
  grep -q 'qemu-guest-agent' "$(shared)"
  : >"$PVESIM_DIR/calls.jsonl"
  run_bundle --template-cache --name s2
  ok_or_show
  [ "$(proto VM_ID)" = 102 ]
  [ "$(proto GUEST_AGENT)" = installed ]
  [ "$(proto VM_IP_SOURCE)" = agent ]
  [ "$(vm_conf 102 cicustom)" = 'vendor=local:snippets/linus-agent-vendor.yaml' ]
  refute_call '^pvesm path'
  refute_call '^qm set 102 .*--cicustom'
  [ ! -e "$(own 101)" ] && [ ! -e "$(own 102)" ]
}

@test "a deleted shared snippet: the clone's start fails, the snippet is written again, the start is retried" {
  run_bundle --template-cache --name d1
  ok_or_show
  rm -f "$(shared)"
  run_bundle --template-cache --name d2
  ok_or_show
  [[ "$stderr" == *"vendor snippet local:snippets/linus-agent-vendor.yaml is missing; writing it again"* ]]
  grep -q 'qemu-guest-agent' "$(shared)"
  [ "$(pvesim calls --match '^qm start 102$' --count)" = 2 ]
  [ "$(proto GUEST_AGENT)" = installed ]
}

@test "another start failure of a clone is not retried: exit 5, clone destroyed, template and shared snippet kept" {
  run_bundle --template-cache --name e1
  ok_or_show
  pvesim fault qm '^start 102$' --error 'start failed: QEMU exited with code 1'
  run_bundle --template-cache --name e2
  [ "$status" -eq 5 ]
  [ "$(proto CLEANUP)" = destroyed ]
  [ "$(pvesim calls --match '^qm start 102$' --count)" = 1 ]
  run qm status 102
  assert_failure
  [ "$(vm_conf 100 template)" = 1 ]
  [ -f "$(shared)" ]
}

@test "a template built without snippets storage: a later clone gets its own snippet once snippets exist" {
  pvesim storage set local --content iso,vztmpl,backup,import >/dev/null
  run_bundle --template-cache --name n1
  ok_or_show
  [ "$(proto GUEST_AGENT)" = absent ]
  [ -z "$(vm_conf 100 cicustom)" ]
  pvesim storage set local --content iso,vztmpl,backup,import,snippets >/dev/null
  run_bundle --template-cache --name n2
  ok_or_show
  [ "$(proto GUEST_AGENT)" = installed ]
  [ "$(vm_conf 102 cicustom)" = 'vendor=local:snippets/linus-102-vendor.yaml' ]
  [ -f "$(own 102)" ]
}

@test "the template's snippet storage lost snippets content: the clone drops the inherited reference" {
  run_bundle --template-cache --name l1
  ok_or_show
  pvesim storage set local --content iso,vztmpl,backup,import >/dev/null
  run_bundle --template-cache --name l2
  ok_or_show
  [[ "$stderr" == *"vendor snippet storage 'local' of template 100 has no snippets content now"* ]]
  assert_call '^qm set 102 .*--delete cicustom'
  [ -z "$(vm_conf 102 cicustom)" ]
  [ "$(proto GUEST_AGENT)" = absent ]
}

@test "a failed template build removes the shared snippet it wrote; one that was there stays" {
  pvesim fault qm '^template ' --count 0 --error 'template failed: storage error'
  run_bundle --template-cache --name b1
  [ "$status" -eq 5 ] || {
    echo "$output $stderr"
    false
  }
  [ ! -e "$(shared)" ]
  printf 'kept\n' >"$(shared)"
  run_bundle --template-cache --name b2
  [ "$status" -eq 5 ]
  [ -f "$(shared)" ]
}
