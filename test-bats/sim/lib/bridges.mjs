// @ts-check
// Bridge ports and PVE's VLAN rule for a bridge that is not VLAN aware.
//
// Read in pve-common @ f665029e (src/PVE/Network.pm `tap_plug`, `activate_bridge_vlan`,
// `activate_bridge_vlan_slave`; src/PVE/IPRoute2.pm `get_physical_bridge_ports`,
// `ip_link_is_physical|bond|vlan`) and its history: at VM start qemu-server's pve-bridge script
// calls tap_plug; for a Linux bridge without vlan_filtering and a net tag, activate_bridge_vlan
// makes bridge BRvTAG and, on EACH physical port P of BR, the VLAN device P.TAG enslaved to it.
// It dies "no physical interface on bridge 'BR'" when BR has none. Several ports are all bound
// (pve-common commit 70d8974, 2014: the old "more then one physical interfaces" refusal is gone).
// Which ports count as physical:
//   before libpve-common-perl 9.1.1: the names in /sys/class/net/BR/brif/ matching
//     ^(((eth|bond)\d+|en[^.]+)(\.\d+)?)$   (dir_glob_foreach anchors the regex)
//   9.1.1 (fix #7118): `ip -d -j link` entries with master BR, link_type ether and no info_kind;
//   9.1.3 (fix #7153): bonds too; 9.1.4 (fix #7193): VLAN devices too.
// /sys/class/net/BR/brif/ lists exactly the links whose `master` is BR, so the simulator models
// both through the links of `ip -j link` (tool-ip.mjs).
import { versionAtLeast } from './util.mjs';

/** The libpve-common-perl version of a PVE release (as dpkg-query shows it). @param {string} v */
export const pveCommonVersion = (v) => (v.startsWith('7') ? '7.4-2' : v.startsWith('8') ? '8.3.1' : versionAtLeast(v, '9.1') ? '9.1.7' : '9.0.9');

/** The kind of a port by its name, as the kernel would report it (null: a physical NIC). @param {string} n */
export function portKind(n) {
  if (/^bond\d+$/.test(n)) return 'bond';
  if (/\.\d+$/.test(n) || /^vlan\d+$/.test(n)) return 'vlan';
  if (/^(tap|fwpr|fwln|veth)/.test(n)) return /^tap/.test(n) ? 'tun' : 'veth';
  if (/^dummy/.test(n)) return 'dummy';
  return null;
}

/** The ports of bridge `b` (its /etc/network/interfaces bridge-ports). @param {any} b @returns {string[]} */
export const bridgePorts = (b) => String(b?.ports ?? '').split(/[\s,]+/).filter((p) => p && p !== 'none');

/** A bridge named `name` on `node`. @param {any} st */
export const bridgeOn = (st, name, node) => st.bridges.find((/** @type {any} */ b) => b.name === name && (!b.nodes || b.nodes.includes(node)));

/** The ports of `b` that PVE (of the simulated version) counts as physical. @param {any} st @param {any} b */
export function physicalPorts(st, b) {
  const pc = pveCommonVersion(st.version);
  return bridgePorts(b).filter((p) => {
    if (!versionAtLeast(pc, '9.1.1')) return /^(((eth|bond)\d+|en[^.]+)(\.\d+)?)$/.test(p);
    const k = portKind(p);
    return k === null || (k === 'bond' && versionAtLeast(pc, '9.1.3')) || (k === 'vlan' && versionAtLeast(pc, '9.1.4'));
  });
}

/** The API's `type` of an interface (PVE::Network::Interfaces: eth for $PHYSICAL_NIC_RE names). @param {string} n */
export function apiIfaceType(n) {
  const k = portKind(n);
  if (k === 'bond' || k === 'vlan') return k;
  return /^(?:eth\d+|en[^:.]+|ib[^:.]+|(?:nic|if)\d+)$/.test(n) ? 'eth' : 'unknown';
}
