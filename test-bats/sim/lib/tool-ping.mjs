// @ts-check
// Fake `ping` of iputils: `ping [-n] [-q] [-c N] [-W S] [-w S] [-I DEV] IP`; a reply when a guest
// or a `pvesim lan` device holds IP on DEV (default: the first bridge), else 100% loss, exit 1.
import { die, out } from './util.mjs';
import { answerer, hasDev } from './lan.mjs';

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const a = [...ctx.args];
  let dev = '', ip = '', c = 1;
  while (a.length) {
    const x = /** @type {string} */ (a.shift());
    if (x === '-I') dev = a.shift() ?? ''; else if (x === '-c') c = Number(a.shift()) || 1;
    else if (['-W', '-w', '-i', '-s', '-t'].includes(x)) a.shift(); else if (!x.startsWith('-')) ip = x;
  }
  if (!ip) die('ping: usage error: Destination address required', 1);
  if (dev && !hasDev(ctx.st, dev)) die(`ping: SO_BINDTODEVICE ${dev}: No such device`, 2);
  const mac = answerer(ctx.st, ctx.st.localNode, dev || (ctx.st.bridges[0]?.name ?? 'vmbr0'), ip);
  out(`PING ${ip} (${ip})${dev ? ` from 10.233.0.1 ${dev}` : ''}: 56(84) bytes of data.\n`);
  if (mac) out(`64 bytes from ${ip}: icmp_seq=1 ttl=64 time=0.301 ms\n`);
  out(`\n--- ${ip} ping statistics ---\n${c} packets transmitted, ${mac ? 1 : 0} received, ${mac ? '0' : '100'}% packet loss, time 0ms\n`);
  if (mac) out('rtt min/avg/max/mdev = 0.301/0.301/0.301/0.000 ms\n');
  return mac ? 0 : 1;
}
