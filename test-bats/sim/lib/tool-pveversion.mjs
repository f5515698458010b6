// @ts-check
// Fake `pveversion [-v]`.
import { out } from './util.mjs';
import { pveVersionString, fullVersion, kernel } from './api.mjs';

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const st = ctx.st;
  const v = fullVersion(st.version);
  if (ctx.args.includes('-v') || ctx.args.includes('--verbose')) {
    const qs = st.version.startsWith('7') ? '7.4-3' : st.version === '8.2' ? '8.2.1' : st.version === '8.3' ? '8.3.0' : `${v}`;
    out(`proxmox-ve: ${v} (running kernel: ${kernel(st)})\npve-manager: ${v} (running version: ${v}/1a2b3c4d5e6f7a8b)\nqemu-server: ${qs}\npve-qemu-kvm: 9.0.2-4\n`);
  } else out(`${pveVersionString(st)} (running kernel: ${kernel(st)})\n`);
  return 0;
}
