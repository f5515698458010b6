#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr (and stderr_lines) are set by bats' run --separate-stderr
# Rollback: a fault at every mutating call of the happy path. The list of calls comes from the
# simulator's call log of a clean run, so it follows the code: the import path, and a first
# --template-cache run (template build, then the clone path every later run takes).

setup() {
  load 'reliability'
  rel_setup
}

# mutating_points: "tool<TAB>regex<TAB>nth<TAB>index<TAB>call" for each mutating call in the call
# log, in order; nth counts every call of that tool matching regex (what pvesim fault counts).
mutating_points() {
  # shellcheck disable=SC2016 # a node program: its $ are not the shell's
  node -e '
    const fs = require("fs");
    const calls = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    let idx = 0;
    calls.forEach((c, i) => {
      if (!c.mutating) return;
      idx++;
      let re;
      if (c.tool === "curl" || c.tool === "wget") re = esc(c.args.filter((a) => /^https?:/.test(a)).pop()) + "$";
      else if (c.tool === "pvesh") re = "^" + esc(c.args.slice(0, 2).join(" ")) + "( |$)";
      else re = "^" + esc(c.args[0]) + " ";
      const rx = new RegExp(re);
      const nth = calls.slice(0, i + 1).filter((d) => d.tool === c.tool && rx.test(d.args.join(" "))).length;
      const shown = (c.tool + " " + c.args.join(" ")).replace(/--cipassword \S+/, "--cipassword <hidden>").slice(0, 60);
      console.log([c.tool, re, nth, idx, shown].join("\t"));
    });' "$PVESIM_DIR/calls.jsonl"
}

# fault_step_ok SHOWN STEP: STEP is the step a fault at the call SHOWN is reported in.
fault_step_ok() {
  case "$1" in
    curl*) chk is_eq "$2" image ;;
    "qm template"* | *" linus-tpl-"*) chk is_eq "$2" template ;;
    "qm create"* | "qm set"* | "qm resize"* | "qm clone"*) chk is_eq "$2" create ;;
    "qm start"*) chk is_eq "$2" start ;;
  esac
}

# fault_at_call SNAPSHOT FIRST ID TOOL RE NTH IDX SHOWN ARGS...: from the host saved as SNAPSHOT,
# one run of ARGS with a fault at mutating call IDX (the NTH call of TOOL matching RE; SHOWN is
# its text); FIRST is the call after which the run has something to roll back, ID the clean
# run's VM id. The run must fail with the right code and step, pass a Proxmox error through on
# one line, and leave nothing.
fault_at_call() {
  local snap="$1" first="$2" id="$3" tool="$4" re="$5" nth="$6" idx="$7" shown="$8" code cleanup step
  shift 8
  rel_restore "$snap"
  rel_case "${*: -2} | fault #$idx: $shown"
  if [[ "$tool" == curl || "$tool" == wget ]]; then
    pvesim fault "$tool" "$re" --nth "$nth" >/dev/null
    code=4
  else
    pvesim fault "$tool" "$re" --nth "$nth" --error $'simulated PVE error #'"$idx"$'\nsecond line of it' >/dev/null
    code=5
  fi
  cleanup=destroyed
  ((idx <= first)) && cleanup=none
  # a failed template build rolls back the template VM
  [[ "$shown" == "qm template"* ]] && cleanup=destroyed
  [[ "$shown" == *" linus-tpl-"* ]] && cleanup=none
  run_bundle "$@"
  chk failure_lines_ok "$code" "$cleanup"
  # the Proxmox error text is passed through on one line
  [[ "$code" == 4 ]] || chk has_text "$(proto ERROR)" "simulated PVE error #$idx second line of it"
  step="$(proto ERROR_STEP || true)"
  fault_step_ok "$shown" "$step"
  [[ "$cleanup" == none || "$step" == template ]] || chk is_eq "$(proto VM_ID)" "$id"
  chk no_vm_left
  chk no_private_key_text
  rel_case_end
}

# fault_every_call SNAPSHOT ARGS...: from the host saved as SNAPSHOT, a clean run of ARGS gives the
# list of mutating calls; then one run per call with a fault at that call (fault_at_call).
fault_every_call() {
  local snap="$1"
  shift
  local points first tool re nth idx shown id
  rel_restore "$snap"
  run_bundle "$@"
  [ "$status" -eq 0 ] || {
    echo "$output$stderr"
    return 1
  }
  id="$(proto VM_ID)"
  points="$(mutating_points)"
  # the first call after which the run's own id has something to roll back
  first="$(awk -F'\t' '$5 ~ /^qm (create|clone [0-9]+) / {print $4}' <<<"$points" | tail -n 1)"
  [ -n "$first" ]
  [ "$(wc -l <<<"$points")" -ge 4 ]
  while IFS=$'\t' read -r tool re nth idx shown; do
    fault_at_call "$snap" "$first" "$id" "$tool" "$re" "$nth" "$idx" "$shown" "$@"
  done <<<"$points"
}

@test "a fault at every mutating call of the import path" {
  rel_fresh
  rel_save empty
  fault_every_call empty --name rel1 --password
  rel_done fault-per-call "import path: a fault at each mutating call of a clean run's call log"
}

@test "a fault at every mutating call of a first --template-cache run (template build, clone)" {
  rel_fresh
  rel_save empty
  fault_every_call empty --template-cache --name rel2
  rel_done fault-per-call "template build and clone: a fault at each mutating call"
}
