# shellcheck shell=bash
# Actions status VMID | --name NAME (state, node, name, tags, IP of one guest, cluster-wide) and
# list (the VMs with tag linus, cluster-wide, from one /cluster/resources call).
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/act-find.sh"

# act_status: one VM; exit 1 when no guest has this id or name.
act_status() {
  local managed=0 what
  LINUS_STEP=status
  act_target
  what="with id ${CFG_TARGET}"
  [[ -n "$CFG_TARGET" ]] || what="named ${CFG_NAME}"
  if ! act_find "$CFG_TARGET" "$CFG_NAME"; then
    linus_fail 1 "no VM ${what} in this cluster" \
      "check the id or name: list shows the VMs of this tool (pvesh get /cluster/resources --type vm shows all)"
  fi
  act_has_tag linus && managed=1
  VM_IP="" VM_IP_SOURCE=none
  if [[ "$FOUND_TYPE" == qemu ]]; then
    if act_config; then
      act_vm_ip
    else # e.g. its node is offline: report what the cluster knows
      log_warn "cannot read the config of VM ${FOUND_ID} on node ${FOUND_NODE}: ${PVE_ERR}"
    fi
  fi
  log_ok "VM ${FOUND_ID} (${FOUND_NAME:-no name}) on node ${FOUND_NODE}: ${FOUND_STATUS}${VM_IP:+, ${VM_IP}}"
  res_reset
  res_set RESULT SUCCESS
  res_set_num VM_ID "$FOUND_ID"
  res_set VM_NAME "$FOUND_NAME"
  res_set VM_NODE "$FOUND_NODE"
  res_set VM_STATE "$FOUND_STATUS"
  res_set VM_IP "$VM_IP"
  res_set VM_IP_SOURCE "$VM_IP_SOURCE"
  res_set VM_TAGS "$FOUND_TAGS"
  res_set VM_TYPE "$FOUND_TYPE"
  res_set_num VM_TEMPLATE "$FOUND_TEMPLATE"
  res_set_num VM_MANAGED "$managed"
  res_print
}

# act_list: LINUS_RESULT, LINUS_COUNT, one LINUS_VM line a VM (id=.. name=.. node=.. state=..
# template=0|1 tags=..), then LINUS_JSON with the VMs as an array "vms" (res_print holds only
# strings and numbers, so this block is rendered here, the same way).
act_list() {
  local out
  LINUS_STEP=list
  act_resources
  # shellcheck disable=SC2016 # a perl program: its $ are perl's
  out="$(pve_json 'my $js = JSON::PP->new->ascii->canonical;
    my $one = sub { my $v = shift // ""; $v =~ s/[\x00-\x20\x7f]+/_/g; $v eq "" ? "-" : $v };
    my @vms = map { { vm_id => $_->{vmid} + 0, vm_name => $_->{name} // "", vm_node => $_->{node} // "",
        vm_state => $_->{status} // "unknown", vm_template => ($_->{template} ? 1 : 0), vm_tags => $_->{tags} // "" } }
      sort { $a->{vmid} <=> $b->{vmid} }
      grep { ($_->{type} // "") eq "qemu" && (";" . ($_->{tags} // "") . ";") =~ /[;, ]linus[;, ]/ } @$d;
    print "LINUS_RESULT:SUCCESS\nLINUS_COUNT:", scalar(@vms), "\n";
    printf "LINUS_VM:id=%s name=%s node=%s state=%s template=%s tags=%s\n",
      map({ $one->($_) } @$_{qw(vm_id vm_name vm_node vm_state vm_template vm_tags)}) for @vms;
    print "LINUS_JSON:{\"result\":\"SUCCESS\",\"count\":", scalar(@vms), ",\"vms\":", $js->encode(\@vms), "}\n";' <<<"$RESOURCES_JSON")"
  log_ok "$(grep -c '^LINUS_VM:' <<<"$out" || true) VM(s) with tag linus in this cluster"
  printf '%s\n' "$out" >&3
}
