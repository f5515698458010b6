# shellcheck shell=bash
# Image downloads: curl (or wget) to a file, hashing; URLs never printed with their query string.
source "$(dirname "${BASH_SOURCE[0]}")/logging.sh"
source "$(dirname "${BASH_SOURCE[0]}")/validation.sh"

# img_fetch URL DEST: download URL to DEST. curl/wget print no progress meter and nothing on
# success (their output is kept aside); on failure their messages are shown, indented. The URL is
# one argv word of curl/wget (byte-exact: no shell ever parses it); a query string in it is
# redacted from their messages (img_redacted).
img_fetch() {
  local log rc=0 cmd=()
  img_fetch_cmd cmd "$@"
  log="$(mktemp "${LINUS_RUN_DIR:-${TMPDIR:-/tmp}}/fetch.XXXXXX")"
  img_redacted "$1" "${cmd[@]}" 2>"$log" || rc=$?
  if ((rc != 0)) && [[ -s "$log" ]]; then
    log_info "$(<"$log")"
  fi
  rm -f "$log"
  return "$rc"
}

# img_fetch_cmd ARRAY URL DEST: into the caller's ARRAY, the download command img_fetch runs
# (curl, else wget), without progress meters: curl -sS (errors only; --no-progress-meter would
# need curl 7.67, -sS works on every curl), wget --no-verbose (errors and one success line;
# wget -q would hide the errors). Shown by --dry-run (through img_redacted, like every line that
# could show the URL).
img_fetch_cmd() {
  local -n _img_cmd="$1"
  if command -v curl >/dev/null 2>&1; then
    _img_cmd=(curl -fsSL --retry 3 --retry-delay 2 --connect-timeout 30 -o "$3" "$2")
  else
    _img_cmd=(wget --no-verbose --tries=3 --timeout=30 -O "$3" "$2")
  fi
}

# img_redacted URL CMD...: run CMD with its stdout and stderr on stderr. When URL has a query
# string (a signed URL's credential), everything CMD prints goes through val_redact_stream
# (wget and Proxmox's download task print the URL they fetch), line by line; it waits for the
# filter, so nothing it prints can come after a later line. Returns CMD's status.
img_redacted() {
  local url="$1" rc=0
  shift
  if [[ "$(val_url_redact "$url")" == "$url" ]]; then
    "$@" >&2 || rc=$?
    return "$rc"
  fi
  # the group makes this shell (not CMD's child) start the filter, so $! is the filter (bash >= 4.4)
  { "$@"; } 2> >(val_redact_stream >&2) >&2 || rc=$?
  wait "$!" 2>/dev/null || true
  return "$rc"
}

# img_hash FILE ALGO: the lower-case hex digest (ALGO sha256 or sha512).
img_hash() {
  local out
  out="$("${2}sum" -- "$1")" || return 1
  printf '%s\n' "${out%% *}"
}

# img_virtual_size FILE: the image's virtual size in bytes (qemu-img info).
img_virtual_size() {
  qemu-img info --output=json -- "$1" 2>/dev/null |
    perl -MJSON::PP -e 'local $/; my $d = JSON::PP->new->decode(<STDIN>); print(($d->{"virtual-size"} // 0), "\n")'
}
