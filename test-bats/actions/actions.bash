# shellcheck shell=bash
# Shared by test-bats/actions/*.bats: the bundle runner (../bundle/bundle.bash) plus helpers to
# set up guests without their calls counting in the call log.
load '../bundle/bundle'

# guests SPEC...: `pvesim guest add` for each "ID NAME NODE TAGS STATUS" spec (TAGS - for none),
# then an empty call log.
guests() {
  local spec id name node tags st
  for spec in "$@"; do
    read -r id name node tags st <<<"$spec"
    if [[ "$tags" == - ]]; then
      pvesim guest add "$id" --name "$name" --node "$node" --status "$st" --agent >/dev/null
    else
      pvesim guest add "$id" --name "$name" --node "$node" --tags "$tags" --status "$st" --agent >/dev/null
    fi
  done
  clear_calls
}

# clear_calls: forget the calls made so far (setup is not what a test checks).
clear_calls() { : >"$PVESIM_DIR/calls.jsonl"; }

# assert_failure_code CODE: exit CODE with FAILURE protocol lines.
# shellcheck disable=SC2154 # status, output and stderr are set by bats' run
assert_failure_code() {
  [ "$status" -eq "$1" ] || {
    echo "status $status, expected $1: $output $stderr"
    return 1
  }
  assert_protocol
  [ "$(proto RESULT)" = FAILURE ]
  [ "$(proto ERROR_CODE)" = "$1" ]
}
