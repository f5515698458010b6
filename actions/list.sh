# shellcheck shell=bash
# Action list: the VMs with tag linus, cluster-wide, from one /cluster/resources call.
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib-sh/vm.sh"

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
