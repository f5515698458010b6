#!/usr/bin/env bash
# Style of every tracked bash file: shfmt layout (-i 2 -ci: two-space indent, indented case
# branches) and lines of at most 120 columns. Prints the differences and exits 1 on any
# layout difference.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SHFMT_FLAGS=(-i 2 -ci)
max=120
command -v shfmt >/dev/null || {
  echo "shfmt not found: apt-get install -y shfmt (or bash build/setup.sh)" >&2
  exit 2
}

mapfile -t files < <(git ls-files --cached --others --exclude-standard | sort -u | while read -r f; do
  [[ -f "$f" ]] || continue
  case "$f" in
    test-ts/fixtures/*) ;; # compiler inputs: their odd forms are what the tests are about
    *.sh | *.bash | *.bats) echo "$f" ;;
    *)
      [[ "${f##*/}" == *.* ]] && continue
      head -n1 "$f" | grep -qE '^#!.*\b(ba)?sh\b' && echo "$f"
      ;;
  esac
done)
[[ "${#files[@]}" -gt 0 ]] || {
  echo "lint-sh: no shell files"
  exit 0
}

rc=0
shfmt "${SHFMT_FLAGS[@]}" -d "${files[@]}" || rc=1
long="$(awk -v max="$max" 'length($0) > max { printf "%s:%d: %d columns (max %d)\n", FILENAME, FNR, length($0), max }' \
  "${files[@]}")"
# Lines over the limit are listed but fail only with LINT_STRICT_COLUMNS=1 until the old ones
# are wrapped (`npm run structure -- --check` enforces the limit).
if [[ -n "$long" ]]; then
  if [[ "${LINT_STRICT_COLUMNS:-0}" == 1 ]]; then
    printf '%s\n' "$long"
    rc=1
  else
    echo "lint-sh: warning: $(wc -l <<<"$long") line(s) over ${max} columns (LINT_STRICT_COLUMNS=1 lists them)" >&2
  fi
fi
if [[ "$rc" == 0 ]]; then
  echo "lint-sh: ${#files[@]} files formatted (shfmt ${SHFMT_FLAGS[*]})"
else
  echo "lint-sh: fix the above (shfmt ${SHFMT_FLAGS[*]} -w FILE; wrap lines over ${max} columns)" >&2
fi
exit "$rc"
