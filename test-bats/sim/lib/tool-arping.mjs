// @ts-check
// Fake `arping` of iputils (iputils arping.c; texts of iputils 20240905): `arping -V`,
// `arping [-D] [-q] [-f] [-c N] [-w S] -I DEV IP`. DAD mode (-D, source 0.0.0.0) exits 0 when no
// reply came (the address is free) and 1 when one did; without -D it exits 0 on a reply, 1 without.
// A missing device: "arping: Device X not available." exit 2. Answerers: lan.mjs.
import { die, out } from './util.mjs';
import { answerer, hasDev } from './lan.mjs';

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const a = [...ctx.args];
  if (a.includes('-V')) { out('arping from iputils 20240905\n'); return 0; }
  const f = { D: false, q: false, c: 0, I: '' };
  let ip = '';
  while (a.length) {
    const x = /** @type {string} */ (a.shift());
    if (x === '-D') f.D = true; else if (x === '-q') f.q = true; else if (['-f', '-b', '-U', '-A'].includes(x)) { /* no effect here */ }
    else if (x === '-c') f.c = Number(a.shift()); else if (x === '-I') f.I = a.shift() ?? '';
    else if (['-w', '-s', '-i'].includes(x)) a.shift(); else ip = x;
  }
  if (!ip) die('arping: usage error: destination address required', 2);
  if (!f.I || !hasDev(ctx.st, f.I)) die(`arping: Device ${f.I || 'eth0'} not available.`, 2);
  const mac = answerer(ctx.st, ctx.st.localNode, f.I, ip);
  const sent = mac ? 1 : (f.c || 1);
  if (!f.q) {
    out(`ARPING ${ip} from ${f.D ? '0.0.0.0' : '10.233.0.1'} ${f.I}\n`);
    if (mac) out(`Unicast reply from ${ip} [${mac}]  0.612ms\n`);
    out(`Sent ${sent} probes (${sent} broadcast(s))\nReceived ${mac ? 1 : 0} response(s)\n`);
  }
  if (f.D) return mac ? 1 : 0;
  return mac ? 0 : 1;
}
