#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# lib-sh/result.sh: LINUS_ lines in order, JSON last, escaping, fd 3 routing.
bats_require_minimum_version 1.5.0

setup() {
  load '../helpers/common'
  lib_source result
  res_reset
  unset LINUS_RES_NO_PERL
}

# print_out: res_print with fd 3 closed (bats keeps its own fd 3 open), stdout captured.
print_out() { run --separate-stderr res_print 3>&-; }

# last_json: the JSON text of the last output line (which must be the LINUS_JSON line).
last_json() {
  local last="${lines[${#lines[@]} - 1]}"
  [[ "$last" == LINUS_JSON:* ]] || return 1
  printf '%s' "${last#LINUS_JSON:}"
}

@test "success head: the exact lines and order of CONTRACT §3, JSON last" {
  res_success_head 105 192.168.1.50 ubuntu web1 ubuntu-24.04 4 8192 50 pve
  res_set IP_SOURCE guest-agent
  print_out
  assert_success
  assert_equal "$stderr" ""
  local json='LINUS_JSON:{"result":"SUCCESS","vm_id":105,"vm_ip":"192.168.1.50","vm_user":"ubuntu","vm_name":"web1",'
  json+='"vm_os":"ubuntu-24.04","vm_cpu":4,"vm_ram":8192,"vm_disk":50,"vm_node":"pve","ip_source":"guest-agent"}'
  assert_output 'LINUS_RESULT:SUCCESS
LINUS_VM_ID:105
LINUS_VM_IP:192.168.1.50
LINUS_VM_USER:ubuntu
LINUS_VM_NAME:web1
LINUS_VM_OS:ubuntu-24.04
LINUS_VM_CPU:4
LINUS_VM_RAM:8192
LINUS_VM_DISK:50
LINUS_VM_NODE:pve
LINUS_IP_SOURCE:guest-agent
'"$json"
  run json_keys "$(last_json)"
  assert_output "result vm_id vm_ip vm_user vm_name vm_os vm_cpu vm_ram vm_disk vm_node ip_source"
}

@test "failure head: order of CONTRACT §3, VM_ID only when given" {
  res_failure_head 4 validate "storage 'fast' does not exist on node 'pve'" "pick one of: local-lvm" none
  print_out
  local json="LINUS_JSON:{\"result\":\"FAILURE\",\"error_code\":4,\"error_step\":\"validate\","
  json+="\"error\":\"storage 'fast' does not exist on node 'pve'\",\"remediation\":\"pick one of: local-lvm\","
  json+="\"cleanup\":\"none\"}"
  assert_output "LINUS_RESULT:FAILURE
LINUS_ERROR_CODE:4
LINUS_ERROR_STEP:validate
LINUS_ERROR:storage 'fast' does not exist on node 'pve'
LINUS_REMEDIATION:pick one of: local-lvm
LINUS_CLEANUP:none
$json"
  res_failure_head 5 create "qm create failed" "see qm" destroyed 105
  print_out
  assert_equal "${lines[6]}" "LINUS_VM_ID:105"
  assert_equal "${#lines[@]}" 8
  run json_get "$(last_json)" vm_id
  assert_output "num:105"
}

@test "a key set again keeps its place and takes the new value" {
  res_set RESULT DRY_RUN
  res_set VM_ID 1
  res_set NOTE a
  res_set VM_ID 2
  print_out
  assert_equal "${lines[1]}" "LINUS_VM_ID:2"
  assert_equal "${lines[2]}" "LINUS_NOTE:a"
  assert_equal "${#lines[@]}" 4
}

# shellcheck disable=SC2030 # run sets lines for this test alone, as bats means it
@test "res_set_num: integers are JSON numbers, anything else falls back to a string" {
  res_set_num A 42
  res_set_num B -7
  res_set_num C 0
  res_set_num D 007
  res_set_num E 1.5
  res_set_num F ''
  res_set_num G '1; rm -rf /'
  res_set_num H 99999999999999999999999
  print_out
  local j
  j="$(last_json)"
  run json_get "$j" a
  assert_output num:42
  run json_get "$j" b
  assert_output num:-7
  run json_get "$j" c
  assert_output num:0
  run json_get "$j" d
  assert_output str:007
  run json_get "$j" e
  assert_output str:1.5
  run json_get "$j" f
  assert_output str:
  run json_get "$j" g
  assert_output 'str:1; rm -rf /'
  run json_get "$j" h
  assert_output str:99999999999999999999999
}

# shellcheck disable=SC2031 # lines comes from bats' run in print_out just above, not from another test
hostile_check() {
  local nasty=$'quote" back\\slash \'single\' $(id) `id` ; rm -rf / tab\there\n'
  nasty+=$'newline\r\ncr\x01ctl é 日本 😀 \xe2\x80\xa8sep end'
  # shellcheck disable=SC2016 # the literal text the hostile value becomes
  local flat='quote" back\slash '"'single'"' $(id) `id` ; rm -rf / tab here newline  cr ctl é 日本 😀  sep end'
  res_set RESULT FAILURE
  res_set ERROR "$nasty"
  print_out
  assert_success
  assert_equal "${#lines[@]}" 3
  assert_equal "${lines[1]}" "LINUS_ERROR:$flat"
  run json_get "$(last_json)" error
  assert_output "str:$flat"
}

@test "hostile values: one line each, JSON parses back to the same text (perl)" {
  hostile_check
  # perl output is pure ASCII (non-ASCII escaped as \uXXXX)
  print_out
  run perl -ne 'exit 1 if /[^\x20-\x7e\n]/ && /^LINUS_JSON/' <<<"$output"
  assert_success
}

@test "hostile values: same result with the pure-bash fallback" {
  export LINUS_RES_NO_PERL=1
  hostile_check
}

@test "invalid UTF-8 bytes still give valid JSON (perl)" {
  res_set X $'a\xff\xfeb'
  print_out
  run json_get "$(last_json)" x
  assert_success
  assert_output "str:a��b"
}

@test "keys are sanitised to LINUS_[A-Z0-9_] and lower-cased in JSON" {
  res_set 'vm-ip addr' 1
  print_out
  assert_equal "${lines[0]}" "LINUS_VM_IP_ADDR:1"
  run json_keys "$(last_json)"
  assert_output vm_ip_addr
}

@test "empty result prints only an empty JSON object" {
  print_out
  assert_output 'LINUS_JSON:{}'
}

@test "res_print writes to fd 3 when it is open, nothing on stdout" {
  res_set RESULT SUCCESS
  res_print 3>"$BATS_TEST_TMPDIR/fd3" >"$BATS_TEST_TMPDIR/fd1"
  assert_equal "$(<"$BATS_TEST_TMPDIR/fd3")" $'LINUS_RESULT:SUCCESS\nLINUS_JSON:{"result":"SUCCESS"}'
  assert_equal "$(<"$BATS_TEST_TMPDIR/fd1")" ""
}

@test "the entry's exec 3>&1 1>&2 pattern: protocol on the real stdout, nothing else" {
  # shellcheck disable=SC2016 # a bash -c program: its $ are its own
  run --separate-stderr bash -c 'set -Eeuo pipefail; exec 3>&1 1>&2; source "$1"; echo chatter
    res_set RESULT SUCCESS; res_print' _ "$REPO_ROOT/lib-sh/result.sh" 3>&-
  assert_success
  assert_output $'LINUS_RESULT:SUCCESS\nLINUS_JSON:{"result":"SUCCESS"}'
  assert_equal "$stderr" chatter
}

@test "res_get, res_unset" {
  res_set A 1
  res_set B 2
  run res_get a
  assert_output 1
  run res_get NOPE
  assert_failure
  res_unset A
  print_out
  assert_output $'LINUS_B:2\nLINUS_JSON:{"b":"2"}'
}

@test "works under set -u before any res_reset" {
  run bash -c 'set -Eeuo pipefail; source "$1"; res_print; res_set A "x"; res_print' \
    _ "$REPO_ROOT/lib-sh/result.sh" 3>&-
  assert_success
  assert_output $'LINUS_JSON:{}\nLINUS_A:x\nLINUS_JSON:{"a":"x"}'
}
