# shellcheck shell=bash
# shellcheck disable=SC2034 # CFG_ globals are read and set by the other steps
# Check cpu: an OS of the catalog that needs a CPU level above x86-64-v2 (the RHEL 10 family:
# x86-64-v3) is refused on a node whose CPU lacks it, before anything is created. The node's
# flags come from `pvesh get /nodes/NODE/status` (cpuinfo.flags: the first "flags" line of that
# node's /proc/cpuinfo, read by PVE::ProcFSTools::read_cpuinfo), so another cluster node is asked
# through the API like this one, without SSH.
source "$(dirname "${BASH_SOURCE[0]}")/core.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/catalog.sh"

# chk_cpu_level_flags LEVEL: the /proc/cpuinfo flags a CPU needs for the Proxmox CPU model LEVEL,
# one line. x86-64-v3 is qemu-server's built-in model (PVE/QemuServer/CPUConfig.pm, since 8.0.4):
# +aes +popcnt +pni +sse4.1 +sse4.2 +ssse3 +avx +avx2 +bmi1 +bmi2 +f16c +fma +abm +movbe +xsave,
# started with `enforce`, so QEMU refuses to start on a host that lacks any of them.
chk_cpu_level_flags() {
  case "$1" in
    x86-64-v3) echo "aes popcnt pni sse4_1 sse4_2 ssse3 avx avx2 bmi1 bmi2 f16c fma abm movbe xsave" ;;
    *) echo "" ;;
  esac
}

# chk_cpu_missing LEVEL FLAGS: the flags of LEVEL that the space-separated FLAGS lack, one line.
chk_cpu_missing() {
  local f missing=() have=" $2 "
  for f in $(chk_cpu_level_flags "$1"); do
    [[ "$have" == *" $f "* ]] || missing+=("$f")
  done
  echo "${missing[*]}"
}

# chk_cpu: the node's CPU has the level the catalog OS needs (none: nothing is asked).
chk_cpu() {
  local -A IMG=() # img_catalog fills this copy, not the run's IMG
  local flags missing older
  [[ -z "$CFG_IMAGE_URL" ]] || return 0
  img_catalog "$CFG_OS" || return 0
  [[ -n "${IMG[cpu_level]}" ]] || return 0
  if ! pve_get "/nodes/${CFG_NODE}/status"; then
    linus_fail 4 "cannot read the CPU flags of node '${CFG_NODE}': ${PVE_ERR}" \
      "check the node (pvesh get /nodes/${CFG_NODE}/status)"
  fi
  flags="$(pq_cpu_flags <<<"$PVE_OUT")"
  missing="$(chk_cpu_missing "${IMG[cpu_level]}" "$flags")"
  [[ -n "$missing" ]] || return 0
  older="${IMG[key]%-10}-9"
  [[ "${IMG[key]}" != centos-stream-10 ]] || older="rocky-9 or almalinux-9"
  linus_fail 4 "${IMG[key]} needs an ${IMG[cpu_level]} CPU (AVX2); the CPU of node '${CFG_NODE}' lacks: ${missing}" \
    "use a node whose CPU has AVX2 (Intel Haswell / AMD Excavator or newer) with --node NAME, or pick ${older}"
}
