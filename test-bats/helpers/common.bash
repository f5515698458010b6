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
