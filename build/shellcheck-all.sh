#!/usr/bin/env bash
# Runs shellcheck on every tracked shell file and bats test (and untracked, not ignored ones).
# Prefers the system shellcheck: the npm wrapper downloads its binary from GitHub on first use,
# which fails on machines without that access.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Inside npm scripts node_modules/.bin comes first on PATH: skip the npm wrapper there.
sc=""
IFS=: read -r -a path_dirs <<<"${PATH:-}"
for d in "${path_dirs[@]}"; do
  case "$d" in *node_modules*) continue ;; esac
  if [[ -x "$d/shellcheck" ]]; then
    sc="$d/shellcheck"
    break
  fi
done
if [[ -z "$sc" ]]; then
  if [[ -n "${SHELLCHECKJS_BIN:-}" && -x "${SHELLCHECKJS_BIN}" ]]; then
    sc="node_modules/shellcheck/bin/shellcheck.js"
  else
    echo "shellcheck not found: apt-get install -y shellcheck (or set SHELLCHECKJS_BIN)" >&2
    exit 2
  fi
fi

# *.bats too: shellcheck reads them as bats by their `#!/usr/bin/env bats` line.
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.sh' '*.bash' '*.bats' \
  'test-bats/sim/bin/*' | sort -u | while read -r f; do
  [[ -f "$f" ]] || continue
  case "$f" in *.sh | *.bash | *.bats) echo "$f" ;; *) head -n1 "$f" | grep -q 'bash' && echo "$f" ;; esac
done)
[[ "${#files[@]}" -gt 0 ]] || {
  echo "shellcheck: no shell files"
  exit 0
}
# The bundle's sources (lib-sh/, steps/) are checked file by file without following `source`:
# following it from every step made shellcheck re-analyse the whole program per file (over 20 GB
# of memory and minutes). The whole program is checked in one piece where it runs: `linus build`
# runs shellcheck on the bundle (all sources, comments and directives kept) and fails on any
# finding. So here only the codes that need the other files are off: SC1091 (not following),
# SC2034 (set here, used in another file), SC2153/SC2154 (set in another file).
bundled=() others=()
for f in "${files[@]}"; do
  case "$f" in lib-sh/*.sh | steps/*.sh | actions/*.sh) bundled+=("$f") ;; *) others+=("$f") ;; esac
done
if [[ "${#bundled[@]}" -gt 0 ]]; then
  "$sc" --norc -s bash -e SC1091,SC2034,SC2153,SC2154 "${bundled[@]}"
fi
if [[ "${#others[@]}" -gt 0 ]]; then
  "$sc" -x -P SCRIPTDIR "${others[@]}"
fi
echo "shellcheck: ${#files[@]} files clean (${#bundled[@]} bundle sources; the bundle itself: linus build)"
