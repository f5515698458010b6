#!/usr/bin/env bats
# shellcheck disable=SC2016 # in_step, validated and chk take bash code as a string: its $ expand in the step's shell
# steps/image.sh: verified download into the cache, reuse, mismatches, custom images, disk size.

setup() {
  load 'steps'
  steps_init
}

IMG_FILE=noble-server-cloudimg-amd64.img # not IMG: the record of lib-sh/state.sh

@test "downloads, verifies against SHA256SUMS and renames into the cache" {
  run in_step "$(validated 'step_image; echo "path=${IMG[path]}"')"
  [ "$status" -eq 0 ]
  assert_line "path=$LINUS_CACHE_DIR/$IMG_FILE"
  [ -f "$LINUS_CACHE_DIR/$IMG_FILE" ]
  [ ! -e "$LINUS_CACHE_DIR/$IMG_FILE.part" ]
  assert_call "^curl .*-o $LINUS_CACHE_DIR/$IMG_FILE.part https://cloud-images.ubuntu.com/noble/current/$IMG_FILE"
}

@test "a verified cached image is reused; a changed one is downloaded again" {
  run in_step "$(validated step_image)"
  [ "$status" -eq 0 ]
  run in_step "$(validated step_image)"
  [ "$status" -eq 0 ]
  assert_output --partial "cached image verified"
  [ "$(pvesim calls --match "curl .*$IMG_FILE\$" --count)" = 1 ]
  echo tampered >>"$LINUS_CACHE_DIR/$IMG_FILE"
  run in_step "$(validated step_image)"
  [ "$status" -eq 0 ]
  assert_output --partial "does not match the current vendor checksum"
  [ "$(pvesim calls --match "curl .*$IMG_FILE\$" --count)" = 2 ]
}

@test "a corrupt download: exit 4 and no file left behind" {
  pvesim download "$IMG_FILE\$" corrupt
  run in_step "$(validated step_image)"
  [ "$status" -eq 4 ]
  assert_line --partial "does not match the vendor's sha256 checksum"
  [ -z "$(ls -A "$LINUS_CACHE_DIR")" ]
}

@test "a failed download: exit 4, nothing kept" {
  pvesim download "$IMG_FILE\$" fail --http 503
  run in_step "$(validated step_image)"
  [ "$status" -eq 4 ]
  assert_line --partial "LINUS_ERROR:cannot download https://cloud-images.ubuntu.com"
  [ -z "$(ls -A "$LINUS_CACHE_DIR")" ]
}

@test "the checksum file is unreachable: exit 4 before any image download" {
  pvesim download 'SHA256SUMS$' fail --http 404
  run in_step "$(validated step_image)"
  [ "$status" -eq 4 ]
  refute_call "curl .*$IMG_FILE\$"
}

@test "custom image: the given sha256 must match (exit 1 otherwise)" {
  pvesim image add https://cloud-images.ubuntu.com/custom/my.img --size-gib 2
  local f sum bad
  f="$(sim_image https://cloud-images.ubuntu.com/custom/my.img)"
  sum="$(sha256sum "$f" | cut -d' ' -f1)"
  IN_STEP_ARGS="--image-url https://cloud-images.ubuntu.com/custom/my.img --image-sha256 $sum --user u" \
    run in_step "$(validated 'step_image; echo "path=${IMG[path]}"')"
  [ "$status" -eq 0 ]
  assert_line "path=$LINUS_CACHE_DIR/custom-${sum:0:12}-my.img"
  bad="$(printf 'b%.0s' {1..64})"
  IN_STEP_ARGS="--image-url https://cloud-images.ubuntu.com/custom/my.img --image-sha256 $bad --user u" \
    run in_step "$(validated step_image)"
  [ "$status" -eq 1 ]
}

@test "--disk below the image's virtual size: exit 1" {
  pvesim image add https://cloud-images.ubuntu.com/custom/big.img --size-gib 30
  local f sum
  f="$(sim_image https://cloud-images.ubuntu.com/custom/big.img)"
  sum="$(sha256sum "$f" | cut -d' ' -f1)"
  IN_STEP_ARGS="--image-url https://cloud-images.ubuntu.com/custom/big.img --image-sha256 $sum --user u --disk 20" \
    run in_step "$(validated step_image)"
  [ "$status" -eq 1 ]
  assert_line --partial "below the image's virtual size (30 GiB)"
}

@test "another run holding the image lock: exit 4 after the bounded wait" {
  mkdir -p "$LINUS_LOCK_DIR"
  exec 8>>"$LINUS_LOCK_DIR/image-$IMG_FILE.lock"
  flock 8
  LINUS_IMAGE_LOCK_WAIT=1 run in_step "$(validated step_image)"
  exec 8>&-
  [ "$status" -eq 4 ]
  assert_line --partial "another run has been downloading"
}
