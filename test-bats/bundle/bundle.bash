# shellcheck shell=bash
# Shared by test-bats/bundle/*.bats: run the built bundle (or actions/main.sh when not built) on
# the simulator, with stdout and stderr kept apart.
load '../helpers/common'
load '../helpers/sim'
bats_require_minimum_version 1.5.0
# shellcheck disable=SC2154 # output, stderr and status are set by bats' run
: "${output=}" "${stderr=}"

BUNDLE="$REPO_ROOT/dist/linus-provision-proxmox.sh"
[[ -f "$BUNDLE" ]] || BUNDLE="$REPO_ROOT/actions/main.sh"

# run_bundle ARGS...: run the bundle; $status, $output (stdout) and $stderr.
run_bundle() {
  run --separate-stderr bash "$BUNDLE" "$@"
}

# proto KEY: the value of LINUS_KEY in $output.
proto() {
  local l
  while IFS= read -r l; do
    [[ "$l" == "LINUS_$1:"* ]] && {
      printf '%s\n' "${l#"LINUS_$1:"}"
      return 0
    }
  done <<<"$output"
  return 1
}

# assert_protocol: stdout only LINUS_ lines, LINUS_JSON last and valid, no stderr line starts
# with LINUS_.
assert_protocol() {
  local l last=""
  while IFS= read -r l; do
    [[ "$l" == LINUS_[A-Z]*:* ]] || {
      echo "non-protocol stdout line: $l" >&2
      return 1
    }
    last="$l"
  done <<<"$output"
  [[ "$last" == LINUS_JSON:\{*\} ]] || {
    echo "last line is not LINUS_JSON: $last" >&2
    return 1
  }
  node -e 'JSON.parse(process.argv[1])' "${last#LINUS_JSON:}" || return 1
  if grep -q '^LINUS_' <<<"$stderr"; then
    echo "stderr has LINUS_ lines" >&2
    return 1
  fi
}

# vm_conf ID KEY: a key of the simulated VM's config.
vm_conf() {
  pvesim vm "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const v=JSON.parse(s).config[process.argv[1]];process.stdout.write(v===undefined?"":String(v))})' "$2"
}

# vm_field ID KEY: a top-level field of the simulated VM (status, ip, ...).
vm_field() {
  pvesim vm "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const v=JSON.parse(s)[process.argv[1]];process.stdout.write(v===undefined||v===null?"":String(v))})' "$2"
}
