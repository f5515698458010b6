#!/usr/bin/env bats
# lib-sh/pq.sh: the snapshot queries against /nodes/NODE/qemu/ID/snapshot as pvesh returns it
# (fixtures/pq/snapshots.json: s2 after s1, listed first; s1 with RAM state; "current" last, as
# the API puts it; a description with a tab and a newline).
load '../helpers/common'

setup() {
  # shellcheck source=/dev/null # checked on its own
  source "$REPO_ROOT/lib-sh/pq.sh"
  FX="$REPO_ROOT/test-bats/lib/fixtures/pq"
}

@test "pq_snapshots: oldest first, current left out, one tab-separated line each" {
  run pq_snapshots <"$FX/snapshots.json"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [ "${lines[0]}" = $'s1\t1796409200\t\t1\t' ]
  [ "${lines[1]}" = $'s2\t1796409300\ts1\t0\tafter the upgrade of nginx' ]
  run pq_snapshots <<<'[{"name":"current","description":"You are here!"}]'
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run pq_snapshots <<<'{"not":"a list"}'
  [ -z "$output" ]
}

@test "pq_snapshot_lines: LINUS_SNAPSHOT lines, then the JSON array with typed fields" {
  run pq_snapshot_lines <"$FX/snapshots.json"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "LINUS_SNAPSHOT:name=s1 time=1796409200 parent=- vmstate=1" ]
  [ "${lines[1]}" = "LINUS_SNAPSHOT:name=s2 time=1796409300 parent=s1 vmstate=0" ]
  local want='[{"description":"","name":"s1","parent":"","snaptime":1796409200,"vmstate":1},'
  want+='{"description":"after the\tupgrade\nof nginx","name":"s2","parent":"s1","snaptime":1796409300,"vmstate":0}]'
  [ "${lines[2]}" = "$want" ]
  run pq_snapshot_lines <<<'[]'
  [ "$output" = "[]" ]
}
