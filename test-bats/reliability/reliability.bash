# shellcheck shell=bash
# Shared by test-bats/reliability/*.bats: table-driven reliability cases on the simulator.
# A test runs many cases; each case records its checks with `chk` (no abort on the first
# failure), `rel_case_end` counts it, and `rel_done CATEGORY TEXT` writes the counts to
# $LINUS_RELIABILITY_DIR (default .tmp/reliability) for build/reliability-table.sh, and fails
# the test when a case failed.
load '../bundle/bundle'
# shellcheck disable=SC2154 # output, stderr and status are set by bats' run
: "${output=}" "${stderr=}" "${status=}"

# LINUS_TEST_BUNDLE: test that bundle instead of dist/ (e.g. one built from a clean tree)
BUNDLE="${LINUS_TEST_BUNDLE:-$BUNDLE}"
REL_RESULTS_DIR="${LINUS_RELIABILITY_DIR:-$REPO_ROOT/.tmp/reliability}"
REL_SUMS_URL=https://cloud-images.ubuntu.com/noble/current/SHA256SUMS

# rel_setup [pvesim init options]: a simulated host; temp files of the runs go to a private
# TMPDIR so the checks can see any that are left behind.
rel_setup() {
  sim_setup "$@"
  REL_INIT=("$@")
  export TMPDIR="$BATS_TEST_TMPDIR/tmp"
  mkdir -p "$TMPDIR"
  REL_RUN=0 REL_PASS=0 REL_FAILED=() REL_OK=1 REL_CASE=""
  # a file that a hostile value would create if it were executed (must stay absent)
  export REL_MARKER="$BATS_TEST_TMPDIR/pwned"
}

# rel_fresh: a fresh host for the next case (state, cache, locks, temp dir emptied).
rel_fresh() {
  pvesim init "${REL_INIT[@]+"${REL_INIT[@]}"}" >/dev/null
  rm -rf "$LINUS_STATE_DIR" "$LINUS_CACHE_DIR" "$LINUS_LOCK_DIR" "$TMPDIR"
  mkdir -p "$LINUS_STATE_DIR" "$LINUS_CACHE_DIR" "$LINUS_LOCK_DIR" "$TMPDIR"
  chmod 700 "$LINUS_STATE_DIR"
}

# rel_save NAME / rel_restore NAME: keep a copy of the simulated host and the image cache (e.g.
# with a template built), and bring it back with an empty call log and no faults.
rel_save() {
  rm -rf "$BATS_TEST_TMPDIR/snap-$1"
  mkdir -p "$BATS_TEST_TMPDIR/snap-$1"
  cp -a "$PVESIM_DIR" "$BATS_TEST_TMPDIR/snap-$1/sim"
  cp -a "$LINUS_CACHE_DIR" "$BATS_TEST_TMPDIR/snap-$1/cache"
}
rel_restore() {
  rel_fresh
  rm -rf "$PVESIM_DIR" "$LINUS_CACHE_DIR"
  cp -a "$BATS_TEST_TMPDIR/snap-$1/sim" "$PVESIM_DIR"
  cp -a "$BATS_TEST_TMPDIR/snap-$1/cache" "$LINUS_CACHE_DIR"
  : >"$PVESIM_DIR/calls.jsonl"
  pvesim fault clear >/dev/null
}

# rel_case NAME: start a case.
rel_case() {
  REL_CASE="$1" REL_OK=1
}

# chk CMD...: one check of the current case; a failure is reported and remembered.
chk() {
  "$@" && return 0
  REL_OK=0
  printf '[%s] check failed: %s\n' "$REL_CASE" "$*" >&2
  return 0
}

# rel_case_end: count the case; on failure show what the run printed.
rel_case_end() {
  REL_RUN=$((REL_RUN + 1))
  if [[ "$REL_OK" == 1 ]]; then
    REL_PASS=$((REL_PASS + 1))
  else
    REL_FAILED+=("$REL_CASE")
    printf '[%s] exit %s\n--- stdout\n%s\n--- stderr (tail)\n%s\n' "$REL_CASE" "$status" "$output" \
      "$(tail -n 15 <<<"$stderr")" >&2
  fi
}

# rel_done CATEGORY DESCRIPTION: write "category<TAB>run<TAB>passed<TAB>description" for this
# test, then fail when a case failed or none ran.
rel_done() {
  local slug="${BATS_TEST_NAME//[^A-Za-z0-9_-]/_}"
  mkdir -p "$REL_RESULTS_DIR"
  printf '%s\t%s\t%s\t%s\n' "$1" "$REL_RUN" "$REL_PASS" "$2" >"$REL_RESULTS_DIR/$1.${slug:0:80}.tsv"
  if ((REL_RUN == 0 || REL_PASS != REL_RUN)); then
    printf 'failed cases (%s of %s): %s\n' "$((REL_RUN - REL_PASS))" "$REL_RUN" "${REL_FAILED[*]-}" >&2
    return 1
  fi
}

# --- checks ---------------------------------------------------------------------------------

# is_eq A B: A equals B (shows both when not).
is_eq() {
  [[ "$1" == "$2" ]] && return 0
  printf '  got %q, want %q\n' "$1" "$2" >&2
  return 1
}

# has_text HAYSTACK NEEDLE
has_text() { [[ "$1" == *"$2"* ]]; }

# failure_lines_ok CODE CLEANUP: the FAILURE lines of CONTRACT §3 in order, exit code CODE,
# a remediation, LINUS_JSON last, no LINUS_ line on stderr, one-line values.
failure_lines_ok() {
  local -a l
  mapfile -t l <<<"$output"
  is_eq "$status" "$1" || return 1
  is_eq "${l[0]-}" LINUS_RESULT:FAILURE || return 1
  is_eq "${l[1]-}" "LINUS_ERROR_CODE:$1" || return 1
  [[ "${l[2]-}" =~ ^LINUS_ERROR_STEP:[a-z-]+$ ]] || {
    echo "  bad step line: ${l[2]-}" >&2
    return 1
  }
  [[ "${l[3]-}" =~ ^LINUS_ERROR:.+ ]] || {
    echo "  bad error line: ${l[3]-}" >&2
    return 1
  }
  [[ "${l[4]-}" =~ ^LINUS_REMEDIATION:.{8,} && "${l[4]}" != LINUS_REMEDIATION:none ]] ||
    {
      echo "  no remediation: ${l[4]-}" >&2
      return 1
    }
  is_eq "${l[5]-}" "LINUS_CLEANUP:$2" || return 1
  protocol_ok
}

# protocol_ok: stdout only LINUS_ lines, LINUS_JSON last and valid JSON, no stderr line starts
# with LINUS_ (what assert_protocol checks, with perl: cheaper than node for ~200 runs).
protocol_ok() {
  perl -MJSON::PP -e 'my @l = split /\n/, $ARGV[0];
    for (@l) { /^LINUS_[A-Z][A-Z0-9_]*:/ or die "non-protocol stdout line: $_\n" }
    ($l[-1] // "") =~ /^LINUS_JSON:(\{.*\})$/ or die "last line is not LINUS_JSON\n";
    decode_json($1); die "stderr has LINUS_ lines\n" if $ARGV[1] =~ /^LINUS_/m' "$output" "$stderr"
}

# mutating_count: how many mutating calls the call log holds.
mutating_count() {
  grep -c '"mutating":true' "$PVESIM_DIR/calls.jsonl" || true
}

# no_vm_left: no guest and no volume on any storage of any node in the simulator's state
# (templates of --template-cache, a cache kept on purpose, and their volumes aside), no snippet,
# no state file, no temp file of a run, and only verified images in the cache.
no_vm_left() {
  local left bad=0 f
  left="$(node -e 'const st=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")), tpl=new Set(), out=[];
    for (const g of Object.values(st.guests||{}))
      (g.config.template==1 ? tpl.add(g.vmid) : out.push("VM "+g.vmid+" on "+g.node));
    for (const [sn, vols] of Object.entries(st.volumes||{})) for (const [n, v] of Object.entries(vols))
      if (!tpl.has(v.vmid)) out.push(sn+":"+n);
    console.log(out.join(" "))' "$PVESIM_DIR/state.json")"
  [[ -z "$left" ]] || {
    echo "  left on the host: $left" >&2
    bad=1
  }
  f="$(find "$PVESIM_DIR/storage" "$PVESIM_DIR/nodes" -path '*snippets/linus-*' 2>/dev/null)"
  # the templates' shared vendor snippet belongs to the template cache while a template uses it
  grep -q '"cicustom": *"vendor=[^"]*linus-agent-vendor.yaml"' "$PVESIM_DIR/state.json" &&
    f="$(grep -v '/snippets/linus-agent-vendor\.yaml$' <<<"$f" || true)"
  [[ -z "$f" ]] || {
    echo "  snippet left: $f" >&2
    bad=1
  }
  f="$(find "$LINUS_STATE_DIR" -type f 2>/dev/null)"
  [[ -z "$f" ]] || {
    echo "  state files left: $f" >&2
    bad=1
  }
  f="$(find "$TMPDIR" -mindepth 1 2>/dev/null)"
  [[ -z "$f" ]] || {
    echo "  temp files left: $f" >&2
    bad=1
  }
  cache_ok || bad=1
  return "$bad"
}

# cache_ok: no .part file in the cache, and every cached image matches the vendor checksums.
cache_ok() {
  local f sums h bad=0
  [[ -n "$(find "$LINUS_CACHE_DIR" -type f 2>/dev/null)" ]] || return 0
  sums="$(curl -fsSL "$REL_SUMS_URL" 2>/dev/null)"
  while IFS= read -r -d '' f; do
    if [[ "$f" == *.part ]]; then
      echo "  .part left: $f" >&2
      bad=1
      continue
    fi
    h="$(sha256sum "$f")"
    grep -q "^${h%% *} " <<<"$sums" || {
      echo "  unverified file in the cache: $f" >&2
      bad=1
    }
  done < <(find "$LINUS_CACHE_DIR" -type f -print0 2>/dev/null)
  return "$bad"
}

# no_secret_text: no private key text anywhere in stdout/stderr.
no_private_key_text() {
  ! grep -q 'PRIVATE KEY' <<<"$output$stderr"
}
