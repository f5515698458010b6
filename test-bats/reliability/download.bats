#!/usr/bin/env bats
# Image downloads: a failed, truncated, short or corrupt download is never imported and never
# left in the cache (exit 4; a wrong --image-sha256 is a bad value, exit 1).

setup() {
  load 'reliability'
  rel_setup
  IMG_RE='noble-server-cloudimg-amd64\.img$'
}

@test "download failures: nothing imported, nothing unverified in the cache" {
  local mode
  for mode in fail truncate short corrupt; do
    rel_fresh
    rel_case "image download: $mode"
    pvesim download "$IMG_RE" "$mode" --count 0
    run_bundle --name d1
    chk failure_lines_ok 4 none
    chk is_eq "$(proto ERROR_STEP)" image
    chk is_eq "$(pvesim calls --match '^qm create' --count)" 0
    chk assert_no_qm_mutation
    chk no_vm_left
    rel_case_end
  done

  rel_done download "a failed, truncated, short or corrupt image download"
}

@test "checksum file failing, bad cached files, a wrong --image-sha256" {
  rel_fresh
  rel_case "checksum file download fails"
  pvesim download 'SHA256SUMS$' fail --count 0
  run_bundle --name d2
  chk failure_lines_ok 4 none
  chk no_vm_left
  rel_case_end

  rel_fresh
  rel_case "a bad file in the cache is replaced by a verified download"
  printf 'not an image\n' >"$LINUS_CACHE_DIR/noble-server-cloudimg-amd64.img"
  run_bundle --name d3
  chk is_eq "$status" 0
  chk cache_ok
  rel_case_end

  rel_fresh
  rel_case "a failed download after a bad cached file leaves no bad file"
  printf 'not an image\n' >"$LINUS_CACHE_DIR/noble-server-cloudimg-amd64.img"
  pvesim download "$IMG_RE" truncate --count 0
  run_bundle --name d4
  chk failure_lines_ok 4 none
  chk is_eq "$(pvesim calls --match '^qm create' --count)" 0
  chk cache_ok
  rel_case_end

  rel_fresh
  rel_case "--image-url with a wrong --image-sha256: exit 1, nothing kept"
  run_bundle --name d5 --image-url https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img \
    --image-sha256 "$(printf '%064d' 0)" --user ubuntu
  chk failure_lines_ok 1 none
  chk is_eq "$(find "$LINUS_CACHE_DIR" -type f | wc -l)" 0
  chk no_vm_left
  rel_case_end

  rel_done download "the checksum file failing, a bad cached file, a wrong --image-sha256"
}

# assert_no_qm_mutation: no mutating qm/pvesh/pvesm call was made.
assert_no_qm_mutation() {
  [[ "$(pvesim calls --mutating --args | grep -cE '^(qm|pvesh|pvesm) ')" == 0 ]]
}
