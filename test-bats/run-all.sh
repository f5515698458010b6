#!/usr/bin/env bash
# The whole test suite (npm test): typecheck, build, shellcheck, vitest, bats.
# Ends with one summary line "all: N passed, N failed".
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p .tmp

echo "== typecheck (tsc --noEmit)"
npx tsc --noEmit

echo "== build"
npm run --silent build

echo "== shellcheck"
bash build/shellcheck-all.sh

echo "== shfmt and line length"
bash build/lint-sh.sh

echo "== vitest"
vrc=0
npx vitest run --reporter=default --reporter=json --outputFile=.tmp/vitest.json || vrc=$?
vpass=$(node -e "const r=require('./.tmp/vitest.json');console.log(r.numPassedTests)" 2>/dev/null || echo 0)
vfail=$(node -e "const r=require('./.tmp/vitest.json');console.log(r.numFailedTests)" 2>/dev/null || echo 1)

echo "== bats"
# Tests that run the bundle or the simulator must not reach any network: when we may, run
# the whole bats suite in a private network namespace (loopback only).
bats=(node_modules/bats/bin/bats --formatter tap -r test-bats)
# bats --jobs needs GNU parallel (build/setup.sh installs it); without it bats runs 0 tests.
if command -v parallel >/dev/null; then
  bats+=(--jobs "${BATS_JOBS:-2}" --no-parallelize-within-files)
fi
wrap=()
if [[ "$(id -u)" == 0 ]] && unshare -n true 2>/dev/null; then
  wrap=(unshare -n)
elif unshare -rn true 2>/dev/null; then
  wrap=(unshare -rn)
else
  echo "note: cannot make a private network namespace here; bats runs in the normal one" >&2
fi
brc=0
"${wrap[@]}" "${bats[@]}" | tee .tmp/bats.tap || brc=$?
bpass=$(grep -c '^ok ' .tmp/bats.tap || true)
bfail=$(grep -c '^not ok ' .tmp/bats.tap || true)

echo
echo "vitest: ${vpass} passed, ${vfail} failed"
echo "bats: ${bpass} passed, ${bfail} failed"
echo "all: $((vpass + bpass)) passed, $((vfail + bfail)) failed"
if [[ "$vrc" != 0 || "$brc" != 0 ]]; then exit 1; fi
