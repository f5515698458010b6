# shellcheck shell=bash
# The output protocol: LINUS_KEY:value lines in the order set, then one
# LINUS_JSON:{...} line holding the same fields (keys lower snake case without the prefix).
# Output goes to fd 3 when it is open (linus_main does `exec 3>&1 1>&2`), else to stdout.
# Values are forced onto one line: every control character (newline, CR, tab, ...) and the
# Unicode line breaks U+0085, U+2028, U+2029 become a space, so line-based parsers in any
# language see exactly one line per field. The JSON is ASCII only (non-ASCII as \uXXXX), built by
# perl's core JSON::PP; a pure-bash encoder is the fallback when perl cannot run.
# Function definitions only; no side effects when sourced.

# res_reset: forget every field.
res_reset() {
  RES_KEYS=() RES_VALS=() RES_NUMS=()
}

# res_key KEY: the protocol key: upper case, anything but A-Z 0-9 _ becomes _.
res_key() {
  local k="${1^^}"
  k="${k//[^A-Z0-9_]/_}"
  printf '%s' "${k:-_}"
}

# res_put KEY VALUE ISNUM: set a field; a key set again keeps its place.
res_put() {
  local k i
  k="$(res_key "$1")"
  [[ -n "${RES_KEYS+set}" ]] || res_reset
  for i in "${!RES_KEYS[@]}"; do
    if [[ "${RES_KEYS[i]}" == "$k" ]]; then
      RES_VALS[i]="$2" RES_NUMS[i]="$3"
      return 0
    fi
  done
  RES_KEYS+=("$k") RES_VALS+=("$2") RES_NUMS+=("$3")
}

# res_set KEY VALUE: a string field.
res_set() { res_put "$1" "${2-}" 0; }

# res_set_num KEY VALUE: a JSON number when VALUE is an integer (no leading zeros), else a string.
res_set_num() {
  if [[ "${2-}" =~ ^-?(0|[1-9][0-9]{0,17})$ ]]; then
    res_put "$1" "$2" 1
  else
    res_put "$1" "${2-}" 0
  fi
}

# res_get KEY: the value of a field on stdout; 1 when it is not set.
res_get() {
  local k i
  k="$(res_key "$1")"
  for i in "${!RES_KEYS[@]}"; do
    if [[ "${RES_KEYS[i]}" == "$k" ]]; then
      printf '%s\n' "${RES_VALS[i]}"
      return 0
    fi
  done
  return 1
}

# res_unset KEY: remove a field.
res_unset() {
  local k i kept_keys=() kept_vals=() kept_nums=()
  k="$(res_key "$1")"
  for i in "${!RES_KEYS[@]}"; do
    [[ "${RES_KEYS[i]}" == "$k" ]] && continue
    kept_keys+=("${RES_KEYS[i]}") kept_vals+=("${RES_VALS[i]}") kept_nums+=("${RES_NUMS[i]}")
  done
  RES_KEYS=("${kept_keys[@]+"${kept_keys[@]}"}") RES_VALS=("${kept_vals[@]+"${kept_vals[@]}"}")
  RES_NUMS=("${kept_nums[@]+"${kept_nums[@]}"}")
}

# res_success_head ID IP USER NAME OS CPU RAM DISK NODE: reset, then the SUCCESS fields in the
# documented order. Add more fields with res_set, then res_print.
res_success_head() {
  res_reset
  res_set RESULT SUCCESS
  res_set_num VM_ID "${1-}"
  res_set VM_IP "${2-}"
  res_set VM_USER "${3-}"
  res_set VM_NAME "${4-}"
  res_set VM_OS "${5-}"
  res_set_num VM_CPU "${6-}"
  res_set_num VM_RAM "${7-}"
  res_set_num VM_DISK "${8-}"
  res_set VM_NODE "${9-}"
}

# res_failure_head CODE STEP ERROR REMEDIATION CLEANUP [VMID]: reset, then the FAILURE fields in
# documented order (VM_ID only when given).
res_failure_head() {
  res_reset
  res_set RESULT FAILURE
  res_set_num ERROR_CODE "${1-}"
  res_set ERROR_STEP "${2-}"
  res_set ERROR "${3-}"
  res_set REMEDIATION "${4-}"
  res_set CLEANUP "${5-}"
  [[ -n "${6-}" ]] && res_set_num VM_ID "$6"
  return 0
}

# res_render: the protocol lines on stdout (perl, or res_render_bash without it).
res_render() {
  local i res_args=()
  for i in "${!RES_KEYS[@]}"; do
    res_args+=("${RES_NUMS[i]}" "${RES_KEYS[i]}" "${RES_VALS[i]}")
  done
  if [[ "${LINUS_RES_NO_PERL:-0}" != 1 ]] && command -v perl >/dev/null 2>&1 &&
    perl -MJSON::PP -e 1 >/dev/null 2>&1; then
    # shellcheck disable=SC2016 # a perl program: its $ are perl's, not the shell's
    perl -MJSON::PP -MEncode -e '
      my $js = JSON::PP->new->ascii->allow_nonref;
      my (@lines, @pairs);
      while (@ARGV) {
        my ($num, $k, $v) = splice(@ARGV, 0, 3);
        $v = Encode::decode("UTF-8", $v);
        $v =~ s/[\x00-\x1f\x7f\x{85}\x{2028}\x{2029}]/ /g;
        push @lines, Encode::encode("UTF-8", "LINUS_$k:$v");
        push @pairs, $js->encode(lc $k) . ":" . ($num ? $v + 0 : $js->encode($v));
      }
      print "$_\n" for @lines, "LINUS_JSON:{" . join(",", @pairs) . "}";
    ' "${res_args[@]+"${res_args[@]}"}" && return 0
  fi
  res_render_bash
}

# res_clean VALUE: VALUE on one line (control characters and U+0085/2028/2029 become spaces).
res_clean() {
  local v="$1" LC_ALL=C
  v="${v//[$'\x01'-$'\x1f'$'\x7f']/ }"
  v="${v//$'\xc2\x85'/ }"
  v="${v//$'\xe2\x80\xa8'/ }"
  v="${v//$'\xe2\x80\xa9'/ }"
  printf '%s' "$v"
}

# res_json_str VALUE: VALUE as a JSON string (bash fallback: escapes \ and "; the value has no
# control characters left; non-ASCII stays UTF-8 as it came).
res_json_str() {
  local v="$1"
  v="${v//\\/\\\\}"
  v="${v//\"/\\\"}"
  printf '"%s"' "$v"
}

# res_render_bash: res_render without perl.
res_render_bash() {
  local i v json=""
  for i in "${!RES_KEYS[@]}"; do
    v="$(res_clean "${RES_VALS[i]}")"
    printf 'LINUS_%s:%s\n' "${RES_KEYS[i]}" "$v"
    if [[ "${RES_NUMS[i]}" == 1 ]]; then
      json+="${json:+,}$(res_json_str "${RES_KEYS[i],,}"):$v"
    else
      json+="${json:+,}$(res_json_str "${RES_KEYS[i],,}"):$(res_json_str "$v")"
    fi
  done
  printf 'LINUS_JSON:{%s}\n' "$json"
}

# res_warn TEXT: a warning for the result (also say it on stderr with log_warn): every res_print
# after it carries LINUS_WARNING:<text> (several joined by " | ") before LINUS_JSON.
res_warn() {
  LINUS_WARNINGS+=("${1-}")
}

# res_print: every field as LINUS_KEY:value in the order set, then LINUS_WARNING when res_warn was
# called, then LINUS_JSON:{...} last; to fd 3 when it is open, else stdout. The whole block is
# rendered first and written at once.
res_print() {
  local out w=""
  [[ -n "${RES_KEYS+set}" ]] || res_reset
  for out in "${LINUS_WARNINGS[@]+"${LINUS_WARNINGS[@]}"}"; do
    [[ " | ${w} | " == *" | ${out} | "* ]] || w+="${w:+ | }${out}"
  done
  [[ -z "$w" ]] || res_set WARNING "$w"
  out="$(res_render)" || return 1
  if { true >&3; } 2>/dev/null; then
    printf '%s\n' "$out" >&3
  else
    printf '%s\n' "$out"
  fi
}

# res_perl_risky: perl code defining risky(TEXT, LIMIT): true when ssh-mcp 2's output redactor
# would hide part of TEXT. That redactor replaces every run of 20+ characters of [A-Za-z0-9+/=_-]
# whose Shannon entropy is above 4.5 bits by [REDACTED:entropy:N] (its guard/redactor.js).
res_perl_risky() {
  # shellcheck disable=SC2016 # perl code: its $ are perl's, not the shell's
  printf '%s' '
  sub risky {
    my ($text, $limit) = @_;
    for my $r ($text =~ m{[A-Za-z0-9+/=_-]{20,}}g) {
      my (%n, $e);
      $n{$_}++ for split //, $r;
      $e -= $_ / length($r) * log($_ / length($r)) / log(2) for values %n;
      return 1 if $e > $limit;
    }
    return 0;
  }'
}

# res_hidden TEXT [LIMIT]: 0 when ssh-mcp 2's redactor would hide TEXT (a run above LIMIT bits,
# default 4.5); 1 when not, 2 when perl cannot run.
res_hidden() {
  command -v perl >/dev/null 2>&1 || return 2
  perl -e "$(res_perl_risky)"' exit(risky($ARGV[0], $ARGV[1]) ? 0 : 1);' -- "$1" "${2:-4.5}"
}

# res_safe_path PATH: PATH spelled so that ssh-mcp 2's output redactor leaves it whole: a long
# path is one run of its character set ('/' is in it), so "/./" (the same directory) is put in at
# a slash wherever a run would get above 4.4 bits (a margin below the limit). PATH as it is when
# no run is at risk or perl cannot run. Only for paths (and OPTION=PATH): "/./" means nothing
# elsewhere.
res_safe_path() {
  if [[ "${LINUS_RES_NO_PERL:-0}" != 1 ]] && command -v perl >/dev/null 2>&1; then
    # shellcheck disable=SC2016 # a perl program: its $ are perl's, not the shell's
    perl -e "$(res_perl_risky)"'
      my @parts = split m{(?=/)}, $ARGV[0];
      my ($out, $cur) = ("", shift @parts // "");
      while (@parts) {
        my $part = shift @parts;
        my $next = $cur . $part . (@parts ? "/" : "");
        if (risky($next, 4.4) && !risky($cur . "/", 4.4)) { $out .= $cur . "/."; $cur = $part; }
        else { $cur .= $part; }
      }
      print $out . $cur;
    ' -- "$1" && return 0
  fi
  printf '%s' "$1"
}
