// @ts-check
// Fake `hostname`: the simulated local node's name.
import { out } from './util.mjs';

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const n = ctx.st.localNode;
  out(ctx.args.includes('-f') || ctx.args.includes('--fqdn') ? `${n}.sim.invalid\n` : ctx.args.includes('-I') ? '192.168.100.11 \n' : `${n}\n`);
  return 0;
}
