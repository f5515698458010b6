// @ts-check
// Who answers for an IPv4 address on a bridge of a node: running guests there (their address, net0
// on that bridge) and `pvesim lan` devices. Used by the fake arping and ping.
import { runtime, netMac } from './vm.mjs';
import { parsePropString } from './util.mjs';

/**
 * The MAC that answers for `ip` on interface `dev` of `node`, or null. `dev` is the bridge, or a
 * VLAN interface on it (BRIDGE.TAG, or BRIDGEvTAG as PVE's traditional VLAN bridges are named).
 * @param {any} st @param {string} node @param {string} dev @param {string} ip
 */
export function answerer(st, node, dev, ip) {
  const m = /^(.+?)(?:\.|v)(\d+)$/.exec(dev);
  const isBridge = (/** @type {string} */ b) => st.bridges.some((/** @type {any} */ x) => x.name === b);
  const [br, tag] = !isBridge(dev) && m && isBridge(m[1]) ? [m[1], m[2]] : [dev, undefined];
  for (const g of Object.values(st.guests)) {
    if (g.type !== 'qemu' || g.node !== node) continue;
    const net = parsePropString(g.config.net0 ?? '');
    if (net.bridge !== br || (net.tag ?? undefined) !== tag || runtime(st, g).ip !== ip) continue;
    return netMac(g)?.toUpperCase() ?? null;
  }
  const h = (st.lan ?? []).find((/** @type {any} */ x) => x.ip === ip && x.bridge === dev && (!x.nodes || x.nodes.includes(node)));
  return h ? h.mac : null;
}

/** Does interface `dev` exist on the local node (lo, eno1, its bridges)? @param {any} st @param {string} dev */
export function hasDev(st, dev) {
  const here = st.bridges.filter((/** @type {any} */ b) => !b.nodes || b.nodes.includes(st.localNode)).map((/** @type {any} */ b) => b.name);
  return ['lo', 'eno1', ...here].includes(dev);
}
