// @ts-check
// The CPU flags a node reports in `pvesh get /nodes/N/status` (cpuinfo.flags: the first "flags"
// line of its /proc/cpuinfo, as PVE::ProcFSTools::read_cpuinfo in pve-common reads it).
// Default: an Intel Xeon E5-2680 v4 (Broadwell, the model the simulator reports), which has
// everything of x86-64-v3. `pvesim node cpu NODE --level v2|v3 | --flags 'LIST'` changes it.

/** x86-64-v2 and below: a Westmere-class CPU (no AVX, AVX2, BMI, FMA, MOVBE, F16C, XSAVE). */
export const FLAGS_V2 = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 cx16 xtpr pdcm pcid dca sse4_1 sse4_2 popcnt aes lahf_lm pti ssbd ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid dtherm ida arat flush_l1d';

/** Broadwell-EP (E5-2680 v4): x86-64-v3. */
export const FLAGS_V3 = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l3 cdp_l3 invpcid_single pti intel_ppin ssbd ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm cqm rdt_a rdseed adx smap intel_pt xsaveopt cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local dtherm ida arat pln pts md_clear flush_l1d';

/** @param {any} n a node of the state @returns {string} */
export function nodeCpuFlags(n) {
  return n.cpuFlags ?? FLAGS_V3;
}

/** qemu-server's built-in x86-64-vN models (PVE/QemuServer/CPUConfig.pm): /proc/cpuinfo names. */
const LEVEL_FLAGS = /** @type {Record<string, string[]>} */ ({
  'x86-64-v3': 'aes popcnt pni sse4_1 sse4_2 ssse3 avx avx2 bmi1 bmi2 f16c fma abm movbe xsave'.split(' '),
});

/** How QEMU names a missing feature (target/i386/cpu.c mark_unavailable_features). */
const CPUID_NAME = /** @type {Record<string, string>} */ ({
  pni: 'CPUID.01H:ECX.pni [bit 0]', ssse3: 'CPUID.01H:ECX.ssse3 [bit 9]', fma: 'CPUID.01H:ECX.fma [bit 12]',
  sse4_1: 'CPUID.01H:ECX.sse4.1 [bit 19]', sse4_2: 'CPUID.01H:ECX.sse4.2 [bit 20]', movbe: 'CPUID.01H:ECX.movbe [bit 22]',
  popcnt: 'CPUID.01H:ECX.popcnt [bit 23]', aes: 'CPUID.01H:ECX.aes [bit 25]', xsave: 'CPUID.01H:ECX.xsave [bit 26]',
  avx: 'CPUID.01H:ECX.avx [bit 28]', f16c: 'CPUID.01H:ECX.f16c [bit 29]', bmi1: 'CPUID.07H:EBX.bmi1 [bit 3]',
  avx2: 'CPUID.07H:EBX.avx2 [bit 5]', bmi2: 'CPUID.07H:EBX.bmi2 [bit 8]', abm: 'CPUID.80000001H:ECX.abm [bit 5]',
});

/**
 * The start error of a VM whose `cpu:` model needs flags the node lacks: PVE starts built-in
 * models other than `host` with `enforce` (CPUConfig.pm get_cpu_options), and QEMU then refuses
 * (target/i386/cpu.c x86_cpu_realizefn: "Host doesn't support requested features"). Null if it starts.
 * @param {string|undefined} cpuConf @param {string} flags
 */
export function cpuStartError(cpuConf, flags) {
  const model = (cpuConf ?? '').split(',')[0].replace(/^cputype=/, '');
  const need = LEVEL_FLAGS[model];
  if (!need) return null;
  const have = new Set(flags.split(/\s+/));
  const missing = need.filter((f) => !have.has(f));
  if (!missing.length) return null;
  return [...missing.map((f) => `kvm: warning: host doesn't support requested feature: ${CPUID_NAME[f] ?? f}`),
    "kvm: Host doesn't support requested features", 'start failed: QEMU exited with code 1'].join('\n');
}
