# shellcheck shell=bash
# Shared bats helper: `load '../helpers/common'` in a test file.
# Loads bats-support and bats-assert from node_modules (paths from this file's location), sets
# REPO_ROOT and offers lib_source FILE to source a lib-sh module.

COMMON_HELPER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$COMMON_HELPER_DIR/../.." && pwd)"
export REPO_ROOT

load "$REPO_ROOT/node_modules/bats-support/load"
load "$REPO_ROOT/node_modules/bats-assert/load"

# lib_source FILE: source lib-sh/FILE (".sh" may be left off) into the test's shell.
lib_source() {
  local f="${1%.sh}.sh"
  # shellcheck source=/dev/null # the module is chosen by the test
  source "$REPO_ROOT/lib-sh/$f"
}

# json_get JSON KEY: the value of KEY in a JSON object (parsed by node's JSON.parse), as
# "num:N" or "str:S" so a test can tell numbers from strings. Exit 1 if invalid or absent.
json_get() {
  node -e '
    const d = JSON.parse(process.argv[1]);
    if (!Object.prototype.hasOwnProperty.call(d, process.argv[2])) process.exit(1);
    const v = d[process.argv[2]];
    process.stdout.write((typeof v === "number" ? "num:" : "str:") + v);
  ' "$1" "$2"
}

# json_keys JSON: the keys of a JSON object in document order, space separated.
json_keys() {
  node -e 'process.stdout.write(Object.keys(JSON.parse(process.argv[1])).join(" "))' "$1"
}

# valid FN VALUE [EXPECTED [ARGS...]]: FN VALUE ARGS returns 0, VAL_OUT is EXPECTED (default
# VALUE), VAL_ERR is empty. Run in the test's shell (validators set globals).
valid() {
  local fn="$1" v="$2" want="${3-$2}"
  shift 2
  (($#)) && shift
  VAL_OUT=unset VAL_ERR=unset
  "$fn" "$v" "$@" || fail "$fn '$v' should be valid; VAL_ERR: $VAL_ERR"
  assert_equal "$VAL_OUT" "$want"
  assert_equal "$VAL_ERR" ""
}

# invalid FN VALUE [ARGS...]: FN returns 1 with a one-line VAL_ERR.
invalid() {
  local fn="$1" v="$2"
  shift 2
  VAL_ERR=""
  if "$fn" "$v" "$@"; then
    fail "$fn '$v' should be invalid; VAL_OUT: $VAL_OUT"
  fi
  [[ -n "$VAL_ERR" ]] || fail "$fn '$v': VAL_ERR is empty"
  [[ "$VAL_ERR" != *[$'\n\r']* ]] || fail "$fn '$v': VAL_ERR has a line break"
}

# HOSTILE: values no validator may accept (empty, spaces, shell metacharacters, quotes,
# newlines, unicode, a negative number). A value that would run touches $PWNED.
hostile_values() {
  PWNED="$BATS_TEST_TMPDIR/pwned"
  # shellcheck disable=SC2016,SC1003 # literal $, backticks and a lone backslash are the point
  HOSTILE=('' ' ' '-1' '; rm -rf /' '$(id)' '`id`'
    "\$(touch $PWNED)" "\`touch $PWNED\`" '"' "'" '"quoted"' $'a\nb' $'1\n2' 'é' '日本' '１' $'\t'
    '../../etc/passwd' '*' '|' '&' '>' '<' '\' '1 2' $'x\r')
}

# all_invalid FN [ARGS...]: every HOSTILE value is refused and nothing ran.
all_invalid() {
  local v
  hostile_values
  for v in "${HOSTILE[@]}"; do
    invalid "$1" "$v" "${@:2}"
  done
  [[ ! -e "$PWNED" ]] || fail "a value was executed"
}
