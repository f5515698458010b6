// @ts-check
// Fake `ip` (iproute2): link/addr for the node's bridges, neigh for running guests with an IP.
import { die, out } from './util.mjs';
import { runtime, netMac } from './vm.mjs';
import { parsePropString } from './util.mjs';
import { bridgePorts, bridgeOn, physicalPorts, portKind } from './bridges.mjs';

/**
 * The links of `node`: lo, eno1 and the bridges' ports (`master` = their bridge, as
 * /sys/class/net/BR/brif/ lists them), the bridges, and for each running VM its tapIDiN on its
 * bridge -- or, for a tag on a bridge that is not VLAN aware, on the bridge BRvTAG that PVE made
 * over P.TAG of each physical port P (pve-common Network.pm activate_bridge_vlan; bridges.mjs).
 * @param {any} st @param {string} node
 */
function nodeLinks(st, node) {
  const bridges = st.bridges.filter((/** @type {any} */ b) => !b.nodes || b.nodes.includes(node));
  /** @type {any[]} */
  const links = [{ ifname: 'lo', kind: null, mac: '00:00:00:00:00:00', cidr: '127.0.0.1/8' }];
  const seen = new Map();
  let m = 1;
  const add = (/** @type {any} */ l) => {
    if (!seen.has(l.ifname)) { seen.set(l.ifname, { kind: null, cidr: null, mac: `a0:36:9f:00:00:${(m++).toString(16).padStart(2, '0')}`, ...l }); links.push(seen.get(l.ifname)); }
    return seen.get(l.ifname);
  };
  add({ ifname: 'eno1' });
  for (const b of bridges) for (const p of bridgePorts(b)) add({ ifname: p, kind: portKind(p) }).master = b.name;
  bridges.forEach((/** @type {any} */ b, /** @type {number} */ i) => add({ ifname: b.name, kind: 'bridge', vlan: b.vlanAware, mac: `a0:36:9f:00:01:${(i + 1).toString(16).padStart(2, '0')}`, cidr: b.cidr }));
  for (const g of /** @type {any[]} */ (Object.values(st.guests))) {
    if (g.type !== 'qemu' || g.node !== node || g.status !== 'running') continue;
    for (const [k, v] of Object.entries(g.config)) {
      const n = /^net(\d+)$/.exec(k)?.[1];
      const o = n === undefined ? {} : parsePropString(String(v));
      const b = n === undefined ? null : bridgeOn(st, o.bridge, node);
      if (!b) continue;
      let master = b.name;
      if (o.tag && !b.vlanAware) {
        master = `${b.name}v${o.tag}`;
        add({ ifname: master, kind: 'bridge', vlan: 0 });
        for (const p of physicalPorts(st, b)) Object.assign(add({ ifname: `${p}.${o.tag}`, kind: 'vlan' }), { master, link: p, vid: Number(o.tag) });
      }
      add({ ifname: `tap${g.vmid}i${n}`, kind: 'tun' }).master = master;
    }
  }
  return links;
}

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
  const mi = a.indexOf('master');
  const master = mi >= 0 ? a.splice(mi, 2)[1] : undefined;
  const devIdx = a.indexOf('dev');
  const dev = devIdx >= 0 ? a[devIdx + 1] : a.find((x) => !['type', 'bridge', 'up'].includes(x) && a[a.indexOf(x) - 1] !== 'type');
  const bridges = st.bridges.filter((/** @type {any} */ b) => !b.nodes || b.nodes.includes(st.localNode));
  const links = nodeLinks(st, st.localNode);
  if (['link', 'l', 'addr', 'address', 'a'].includes(obj)) {
    let sel = links;
    const ti = a.indexOf('type');
    if (ti >= 0) sel = sel.filter((l) => l.kind === a[ti + 1]);
    if (dev) { sel = sel.filter((l) => l.ifname === dev); if (!sel.length) die(`Device "${dev}" does not exist.`, 1); }
    if (master !== undefined) { if (!links.some((l) => l.ifname === master)) die(`Device "${master}" does not exist.`, 1); sel = sel.filter((l) => l.master === master); }
    const isAddr = obj.startsWith('a');
    if (f.json) {
      out(JSON.stringify(sel.map((l, i) => {
        /** @type {any} */
        const r = { ifindex: i + 1, ifname: l.ifname, flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, operstate: l.ifname === 'lo' ? 'UNKNOWN' : 'UP', link_type: l.ifname === 'lo' ? 'loopback' : 'ether', address: l.mac, broadcast: 'ff:ff:ff:ff:ff:ff' };
        if (l.master) r.master = l.master;
        if (l.link) r.link = l.link;
        if (f.details) {
          if (l.kind === 'bridge') r.linkinfo = { info_kind: 'bridge', info_data: { stp_state: 0, vlan_filtering: l.vlan ? 1 : 0 } };
          else if (l.kind || l.master) r.linkinfo = { ...(l.kind ? { info_kind: l.kind } : {}), ...(l.kind === 'vlan' && l.vid ? { info_data: { protocol: '802.1Q', id: l.vid } } : {}), ...(l.master ? { info_slave_kind: 'bridge' } : {}) };
        }
        if (isAddr) r.addr_info = l.cidr ? [{ family: 'inet', local: l.cidr.split('/')[0], prefixlen: Number(l.cidr.split('/')[1]), scope: l.ifname === 'lo' ? 'host' : 'global', label: l.ifname }] : [];
        return r;
      })) + '\n');
      return 0;
    }
    sel.forEach((l, i) => {
      if (f.brief) { out(`${l.ifname.padEnd(16)} ${l.ifname === 'lo' ? 'UNKNOWN' : 'UP'.padEnd(14)} ${isAddr ? (l.cidr ?? '') : l.mac}\n`); return; }
      out(`${i + 1}: ${l.ifname}${l.link ? `@${l.link}` : ''}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue ${l.master ? `master ${l.master} ` : ''}state UP mode DEFAULT group default qlen 1000\n    link/ether ${l.mac} brd ff:ff:ff:ff:ff:ff\n`);
      if (l.kind === 'bridge' && f.details) out(`    bridge forward_delay 0 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768 vlan_filtering ${l.vlan ? 1 : 0} vlan_protocol 802.1Q\n`);
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
