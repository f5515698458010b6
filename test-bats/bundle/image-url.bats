#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# A signed --image-url (a query string with &): it reaches curl, wget and Proxmox's download-url
# byte-exact, and its query string (the signature, a credential) is never printed: results,
# logs, errors and the --dry-run plan show URL?<redacted>.

setup() {
  load 'bundle'
  sim_setup
  BASE='https://cloud-images.ubuntu.com/custom/signed.qcow2'
  URL="${BASE}?X-Amz-Algorithm=AWS4-HMAC-SHA256"
  URL+="&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z"
  URL+="&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=5ec12e75ec12e7"
  pvesim image add "$URL" --size-gib 2 --user cloud >/dev/null
  SUM="$(sha256sum "$(sim_image "$URL")" | cut -d' ' -f1)"
  : >"$PVESIM_DIR/calls.jsonl" # forget sim_image's own download
}

# last_arg_of TOOL: the last argument of each call of TOOL (the URL of curl/wget), a line each,
# straight from the simulator's call log.
last_arg_of() {
  pvesim calls --tool "$1" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n").filter(Boolean)){
      const a=JSON.parse(l).args;process.stdout.write(a[a.length-1]+"\n")}})'
}

# value_after TOOL FLAG: the value that follows FLAG in each call of TOOL.
value_after() {
  pvesim calls --tool "$1" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n").filter(Boolean)){
      const a=JSON.parse(l).args;const i=a.indexOf(process.argv[1]);if(i>=0)process.stdout.write(a[i+1]+"\n")}})' \
      -- "$2"
}

# refute_secret: the signature (or any other part of the query) appears nowhere in the output.
refute_secret() {
  if [[ "$output$stderr" == *5ec12e75ec12e7* || "$output$stderr" == *X-Amz-* ]]; then
    printf 'the query string was printed:\n%s\n%s\n' "$output" "$stderr" >&2
    return 1
  fi
}

@test "provision: curl gets the signed URL byte-exact; its query is printed nowhere" {
  run_bundle --name s1 --image-url "$URL" --image-sha256 "$SUM" --user cloud
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  assert_protocol
  [ "$(proto VM_OS)" = custom ]
  [ "$(last_arg_of curl | grep -c 'signed.qcow2')" = 1 ]
  [ "$(last_arg_of curl | grep 'signed.qcow2')" = "$URL" ]
  [ -f "$LINUS_CACHE_DIR/custom-${SUM:0:12}-signed.qcow2" ]
  [[ "$stderr" == *"downloading ${BASE}?<redacted>"* ]]
  refute_secret
}

@test "--dry-run: LINUS_IMAGE_URL, image_url in LINUS_JSON and the plan show URL?<redacted>" {
  run_bundle --name s2 --image-url "$URL" --image-sha256 "$SUM" --user cloud --dry-run
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  assert_protocol
  [ "$(proto RESULT)" = DRY_RUN ]
  [ "$(proto IMAGE_URL)" = "${BASE}?<redacted>" ]
  local json
  json="$(proto JSON)"
  [ "$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).image_url)' "$json")" = "${BASE}?<redacted>" ]
  # the plan's download line, quoted as typed by log_cmd, with the query redacted
  [[ "$stderr" == *"  \$ curl -fsSL "*" '${BASE}?<redacted>'"* ]]
  refute_secret
  refute_call '^curl .*signed'
}

@test "without curl: wget gets the signed URL byte-exact" {
  local d p bin="$BATS_TEST_TMPDIR/nocurl"
  mkdir -p "$bin"
  IFS=: read -r -a p <<<"$PATH"
  for d in "${p[@]}"; do
    for f in "$d"/*; do
      [[ -x "$f" && "${f##*/}" != curl && ! -e "$bin/${f##*/}" ]] && ln -s "$f" "$bin/${f##*/}"
    done
  done
  PATH="$bin" run_bundle --name s3 --image-url "$URL" --image-sha256 "$SUM" --user cloud
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  refute_call '^curl .*signed'
  [ "$(last_arg_of wget | grep 'signed.qcow2')" = "$URL" ]
  refute_secret
}

@test "a VM on another node: pvesh download-url --url gets it byte-exact; the task's messages are redacted" {
  sim_setup --nodes 3 --offline-node ''
  pvesim image add "$URL" --size-gib 2 --user cloud >/dev/null
  run_bundle --name s4 --node pve2 --image-url "$URL" --image-sha256 "$SUM" --user cloud
  [ "$status" -eq 0 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  [ "$(proto VM_NODE)" = pve2 ]
  [ "$(value_after pvesh --url)" = "$URL" ]
  # the plan line of the call; the download task's own "downloading URL to ..." chatter is not
  # shown when the task succeeds
  [[ "$stderr" == *"--url '${BASE}?<redacted>' --content iso"* ]]
  [[ "$stderr" != *"downloading ${BASE}?<redacted> to "* && "$stderr" != *"signed.qcow2 to "* ]]
  refute_secret
}

@test "a failed download (403): exit 4, the error names the URL without its query" {
  pvesim download 'signed\.qcow2' fail --http 403 >/dev/null
  run_bundle --name s5 --image-url "$URL" --image-sha256 "$SUM" --user cloud
  [ "$status" -eq 4 ] || {
    echo "$output"
    echo "$stderr"
    false
  }
  assert_protocol
  [ "$(proto ERROR)" = "cannot download ${BASE}?<redacted>" ]
  [[ "$(proto REMEDIATION)" == *"has not expired"* ]]
  refute_secret
}

@test "a wrong --image-sha256: exit 1, the error names the URL without its query" {
  run_bundle --name s6 --image-url "$URL" --image-sha256 "$(printf 'b%.0s' {1..64})" --user cloud
  [ "$status" -eq 1 ]
  [[ "$(proto ERROR)" == "the image from ${BASE}?<redacted> has sha256 ${SUM}, not the --image-sha256 given" ]]
  refute_secret
}

@test "a refused --image-url is repeated with its query redacted, even past a space" {
  # (values over 200 characters are never repeated: this one is short)
  run_bundle --name s7 --image-url "https://h/x.img?X-Amz-Signature=5ec12e75ec12e7 x&X-Amz-Date=1" \
    --image-sha256 "$SUM" --user cloud
  [ "$status" -eq 1 ]
  assert_protocol
  [[ "$(proto ERROR)" == "--image-url 'https://h/x.img?<redacted>': the URL has whitespace, "* ]]
  refute_secret
  assert_no_mutating_calls
}
