// @ts-check
// Fake `ip` (iproute2): link/addr for the node's bridges, neigh for running guests with an IP.
import { die, out } from './util.mjs';
import { runtime, netMac } from './vm.mjs';
import { parsePropString } from './util.mjs';

/**
 * The neighbour table of `node`: its running VMs with an address (a node learns only its own
 * VMs' MACs), filtered by bridge `dev` when given.
 * @param {any} st @param {string} node @param {string | undefined} dev
 * @returns {{dst: string, dev: string, lladdr: string | undefined, state: string[]}[]}
 */
export function neighRows(st, node, dev) {
  const rows = [];
  for (const g of Object.values(st.guests)) {
    if (g.type !== 'qemu' || g.node !== node) continue;
    const ip = runtime(st, g).ip;
    const br = parsePropString(g.config.net0 ?? '').bridge;
    if (!ip || !br || (dev && dev !== br)) continue;
    rows.push({ dst: ip, dev: br, lladdr: netMac(g)?.toLowerCase(), state: ['REACHABLE'] });
  }
  return rows;
}

/** iproute2's text lines of `rows` (`dev X` left out when filtered by dev). @param {any[]} rows @param {string | undefined} dev */
export const neighText = (rows, dev) => rows.map((r) => `${r.dst} ${dev ? '' : `dev ${r.dev} `}lladdr ${r.lladdr} REACHABLE\n`).join('');

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const st = ctx.st;
  const a = [...ctx.args];
  const f = { json: false, brief: false, details: false };
  while (a[0]?.startsWith('-')) {
    const x = /** @type {string} */ (a.shift());
    if (/^-(j|json)$/.test(x)) f.json = true; else if (/^-(br|brief)$/.test(x)) f.brief = true; else if (/^-(d|details)$/.test(x)) f.details = true;
    else if (x === '-p' || x === '-pretty') f.json = true;
  }
  const obj = a.shift() ?? 'help';
  const verb = a[0] && ['show', 'list', 'lst', 'get'].includes(a[0]) ? a.shift() : 'show';
  const devIdx = a.indexOf('dev');
  const dev = devIdx >= 0 ? a[devIdx + 1] : a.find((x) => !['type', 'bridge', 'up'].includes(x) && a[a.indexOf(x) - 1] !== 'type');
  const bridges = st.bridges.filter((/** @type {any} */ b) => !b.nodes || b.nodes.includes(st.localNode));
  const links = [{ ifname: 'lo', kind: null, mac: '00:00:00:00:00:00', cidr: '127.0.0.1/8' }, { ifname: 'eno1', kind: null, mac: 'a0:36:9f:00:00:01', cidr: null },
    ...bridges.map((/** @type {any} */ b, /** @type {number} */ i) => ({ ifname: b.name, kind: 'bridge', vlan: b.vlanAware, mac: `a0:36:9f:00:01:${(i + 1).toString(16).padStart(2, '0')}`, cidr: b.cidr }))];
  if (['link', 'l', 'addr', 'address', 'a'].includes(obj)) {
    let sel = links;
    const ti = a.indexOf('type');
    if (ti >= 0) sel = sel.filter((l) => l.kind === a[ti + 1]);
    if (dev) { sel = sel.filter((l) => l.ifname === dev); if (!sel.length) die(`Device "${dev}" does not exist.`, 1); }
    const isAddr = obj.startsWith('a');
    if (f.json) {
      out(JSON.stringify(sel.map((l, i) => {
        /** @type {any} */
        const r = { ifindex: i + 1, ifname: l.ifname, flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, operstate: l.ifname === 'lo' ? 'UNKNOWN' : 'UP', link_type: l.ifname === 'lo' ? 'loopback' : 'ether', address: l.mac, broadcast: 'ff:ff:ff:ff:ff:ff' };
        if (l.kind && f.details) r.linkinfo = { info_kind: 'bridge', info_data: { stp_state: 0, vlan_filtering: l.vlan ? 1 : 0 } };
        if (isAddr) r.addr_info = l.cidr ? [{ family: 'inet', local: l.cidr.split('/')[0], prefixlen: Number(l.cidr.split('/')[1]), scope: l.ifname === 'lo' ? 'host' : 'global', label: l.ifname }] : [];
        return r;
      })) + '\n');
      return 0;
    }
    sel.forEach((l, i) => {
      if (f.brief) { out(`${l.ifname.padEnd(16)} ${l.ifname === 'lo' ? 'UNKNOWN' : 'UP'.padEnd(14)} ${isAddr ? (l.cidr ?? '') : l.mac}\n`); return; }
      out(`${i + 1}: ${l.ifname}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n    link/ether ${l.mac} brd ff:ff:ff:ff:ff:ff\n`);
      if (l.kind && f.details) out(`    bridge forward_delay 0 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768 vlan_filtering ${l.vlan ? 1 : 0} vlan_protocol 802.1Q\n`);
      if (isAddr && l.cidr) out(`    inet ${l.cidr} scope global ${l.ifname}\n       valid_lft forever preferred_lft forever\n`);
    });
    return 0;
  }
  if (['neigh', 'neighbour', 'neighbor', 'n'].includes(obj)) {
    const rows = neighRows(st, st.localNode, dev);
    if (f.json) out(JSON.stringify(rows) + '\n');
    else out(neighText(rows, dev));
    return 0;
  }
  if (['route', 'r'].includes(obj)) {
    const br = bridges.find((/** @type {any} */ b) => b.cidr);
    if (verb === 'get') { out(`${a[0]} dev ${br?.name ?? 'vmbr0'} src ${br?.cidr?.split('/')[0] ?? '10.233.0.1'} uid 0\n    cache\n`); return 0; }
    out(`default via 192.168.100.1 dev vmbr0 proto kernel onlink\n${br ? `10.233.0.0/16 dev ${br.name} proto kernel scope link src ${br.cidr.split('/')[0]}\n` : ''}`);
    return 0;
  }
  die(`Object "${obj}" is unknown, try "ip help".`, 255);
  return 255;
}
