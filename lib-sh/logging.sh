# shellcheck shell=bash
# Logging for people, always on stderr (stdout/fd 3 is the LINUS_ protocol).
# Every line carries a prefix (or an indent of the same width), so no stderr line can ever
# start with "LINUS_". Colour only when stderr is a TTY, NO_COLOR is unset or empty (no-color.org:
# only a non-empty value turns colour off) and TERM is set and not "dumb"; LINUS_LOG_COLOR=1/0
# forces it (tests).
# Function definitions only; no side effects when sourced.

# log_color_on: 0 when colour should be used on stderr.
log_color_on() {
  case "${LINUS_LOG_COLOR:-}" in
    1) return 0 ;;
    0) return 1 ;;
  esac
  [[ -z "${NO_COLOR:-}" && -t 2 && -n "${TERM:-}" && "${TERM:-}" != dumb ]]
}

# log_emit PREFIX COLOUR TEXT...: print TEXT (the arguments joined by spaces) on stderr. The first
# line gets PREFIX, further lines an indent of the same width. CR and CRLF count as line breaks.
# COLOUR is an SGR code ("1;32") applied to the prefix when colour is on.
log_emit() {
  local prefix="$1" colour="$2" text pad line first=1 cp="" cr=""
  shift 2
  text="$*"
  text="${text//$'\r\n'/$'\n'}"
  text="${text//$'\r'/$'\n'}"
  pad="${prefix//?/ }"
  log_progress_end
  if [[ -n "$colour" ]] && log_color_on; then
    cp=$'\e['"${colour}m" cr=$'\e[0m'
  fi
  while IFS= read -r line || [[ -n "$line" ]]; do
    if ((first)); then
      printf '%s%s%s%s\n' "$cp" "$prefix" "$cr" "$line" >&2
      first=0
    else
      printf '%s%s\n' "$pad" "$line" >&2
    fi
  done <<<"$text"
}

# log_step NAME TEXT...: start a step: sets LINUS_STEP=NAME (read by linus_fail) and prints
# "==> [NAME] TEXT".
log_step() {
  LINUS_STEP="$1"
  shift
  log_emit "==> [${LINUS_STEP}] " '1;36' "$@"
}

# log_info TEXT...: "    TEXT".
log_info() { log_emit '    ' '' "$@"; }

# log_ok TEXT...: "ok: TEXT".
log_ok() { log_emit 'ok: ' '1;32' "$@"; }

# log_warn TEXT...: "warning: TEXT".
log_warn() { log_emit 'warning: ' '1;33' "$@"; }

# log_error TEXT...: "error: TEXT".
log_error() { log_emit 'error: ' '1;31' "$@"; }

# log_quote WORD: WORD quoted the way a person types it, for bash: bare when it has only
# characters no shell treats specially (letters, digits, and @%+=:,./_-; a leading = or ~ is
# quoted), else in single quotes (a single quote inside as '\''), and $'...' only when it holds a
# control character (a newline would break the one-line plan). Pasted into bash it is WORD again.
log_quote() {
  local w="$1" q="'\\''"
  if [[ -n "$w" && "$w" != [=~]* && "$w" != *[^[:alnum:]@%+=:,./_-]* ]]; then
    printf '%s' "$w"
  elif [[ "$w" == *[[:cntrl:]]* ]]; then
    printf '%q' "$w"
  else
    printf "'%s'" "${w//\'/$q}"
  fi
}

# log_cmd_string ARG...: the command as a person would type it (log_quote), one line, on stdout.
# The value after --cipassword / --password (or in --cipassword=...) is replaced by <redacted>.
log_cmd_string() {
  local a out="" hide=0
  for a in "$@"; do
    if ((hide)); then
      a='<redacted>' hide=0
    elif [[ "$a" == --cipassword || "$a" == --password ]]; then
      hide=1
    elif [[ "$a" == --cipassword=* || "$a" == --password=* ]]; then
      a="${a%%=*}=<redacted>"
    fi
    if [[ "$a" == '<redacted>' || "$a" == *'=<redacted>' ]]; then
      out+="${out:+ }$a"
    else
      out+="${out:+ }$(log_quote "$a")"
    fi
  done
  printf '%s\n' "$out"
}

# log_cmd ARG...: print the exact command (for --dry-run plans and tracing) as "  $ cmd".
log_cmd() {
  log_emit '  $ ' '2' "$(log_cmd_string "$@")"
}

# log_progress TEXT ELAPSED TOTAL: progress of a long wait, e.g. "waiting for IP... 12s/300s".
# On a colour TTY the line is rewritten in place; otherwise a line is printed when TEXT changes,
# every LINUS_PROGRESS_EVERY seconds (default 10) and when ELAPSED reaches TOTAL.
log_progress() {
  local text="$1" elapsed="${2:-0}" total="${3:-0}" msg
  [[ "$elapsed" =~ ^[0-9]+$ ]] || elapsed=0
  [[ "$total" =~ ^[0-9]+$ ]] || total=0
  msg="... ${text//[$'\r\n']/ } ${elapsed}s/${total}s"
  if log_color_on; then
    printf '\r\e[K%s' "$msg" >&2
    LOG_PROGRESS_OPEN=1
    return 0
  fi
  if [[ "$text" != "${LOG_PROGRESS_TEXT:-}" ]] || ((elapsed >= total)) ||
    ((elapsed - ${LOG_PROGRESS_AT:-0} >= ${LINUS_PROGRESS_EVERY:-10})) ||
    ((elapsed < ${LOG_PROGRESS_AT:-0})); then
    printf '%s\n' "$msg" >&2
    LOG_PROGRESS_TEXT="$text" LOG_PROGRESS_AT="$elapsed"
  fi
}

# log_progress_end: finish an in-place progress line (called by every log_ function).
log_progress_end() {
  if [[ "${LOG_PROGRESS_OPEN:-0}" == 1 ]]; then
    printf '\n' >&2
    LOG_PROGRESS_OPEN=0
  fi
  LOG_PROGRESS_TEXT="" LOG_PROGRESS_AT=0
}
