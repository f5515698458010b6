// @ts-check
// GET endpoints of the API (what pvesh prints), computed from the simulated host.
import { die } from './util.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { storageOn, storageUsed, isPathStorage, storageDir, onNode } from './host.mjs';
import { runtime, agentCall, localVm } from './vm.mjs';
import { formatErrors } from './schema.mjs';
import { bridgePorts, apiIfaceType } from './bridges.mjs';
import { nodeCpuFlags } from './cpu.mjs';
import { snapshotList } from './snapshot.mjs';

const GiB = 1024 ** 3;
export const pveVersionString = (/** @type {any} */ st) => `pve-manager/${fullVersion(st.version)}/1a2b3c4d5e6f7a8b`;
export const fullVersion = (/** @type {string} */ v) => (v.split('.').length >= 3 ? v : `${v}.${v === '7.4' ? 3 : v === '8.2' ? 7 : v === '8.3' ? 0 : 1}`);
export const kernel = (/** @type {any} */ st) => (st.version.startsWith('7') ? '5.15.158-2-pve' : st.version.startsWith('8') ? '6.8.12-4-pve' : '6.14.8-2-pve');

/** A node that must be reachable for a proxied call. @param {any} st */
export function onlineNode(st, name) {
  const n = st.nodes.find((/** @type {any} */ x) => x.name === name);
  if (!n) die(`hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`);
  if (!n.online) die(`500 Can't connect to ${n.ip}:8006 (No route to host)`);
  return n;
}

/** @param {any} st @param {any} g */
function vmResource(st, g) {
  const rt = runtime(st, g);
  /** @type {any} */
  const r = { id: `${g.type}/${g.vmid}`, vmid: g.vmid, node: g.node, type: g.type, status: g.status, name: g.config.name ?? g.config.hostname,
    template: g.config.template ? 1 : 0, uptime: rt.running ? 3600 : 0, maxcpu: Number(g.config.cores ?? 1), cpu: 0.01, maxmem: (parseInt(String(g.config.memory ?? '512').replace(/^current=/, ''), 10) || 512) * 1024 * 1024,
    mem: 0, maxdisk: 8 * GiB, disk: 0, netin: 0, netout: 0, diskread: 0, diskwrite: 0 };
  if (g.config.tags) r.tags = g.config.tags;
  if (g.config.lock) r.lock = g.config.lock;
  return r;
}

/** @param {any} st */
function nodeItem(st, n) {
  /** @type {any} */
  const r = { node: n.name, id: `node/${n.name}`, type: 'node', status: n.online ? 'online' : 'offline', level: '', ssl_fingerprint: 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99' };
  if (n.online) Object.assign(r, { cpu: 0.02, maxcpu: n.cpus, mem: (n.usedGiB ?? 4) * GiB, maxmem: n.memGiB * GiB, disk: 10 * GiB, maxdisk: 100 * GiB, uptime: 86400 });
  return r;
}

/** @param {any} st */
function storageStatus(st, name, node) {
  const s = st.storages[name];
  const used = storageUsed(st, name);
  return { storage: name, type: s.type, content: s.content.join(','), total: s.total, used, avail: s.total - used, active: 1, enabled: s.enabled, shared: s.shared, used_fraction: used / s.total };
}

/** @param {any} st @param {string} p @param {Record<string, string>} q */
export function apiGet(st, p, q) {
  let m;
  if (p === '/version') return { version: fullVersion(st.version), release: st.version.replace(/^(\d+\.\d+).*/, '$1'), repoid: '1a2b3c4d' };
  if (p === '/nodes') return st.nodes.map((/** @type {any} */ n) => nodeItem(st, n));
  if (p === '/cluster/status') {
    const nodes = st.nodes.map((/** @type {any} */ n) => ({ type: 'node', name: n.name, id: `node/${n.name}`, nodeid: n.nodeid, ip: n.ip, local: n.name === st.localNode ? 1 : 0, online: n.online, level: '' }));
    if (!st.clusterName) return nodes;
    const online = st.nodes.filter((/** @type {any} */ n) => n.online).length;
    return [{ type: 'cluster', id: 'cluster', name: st.clusterName, nodes: st.nodes.length, quorate: online * 2 > st.nodes.length ? 1 : 0, version: st.nodes.length }, ...nodes];
  }
  if (p === '/cluster/resources') {
    const guests = Object.values(st.guests).map((g) => vmResource(st, g));
    const nodes = st.nodes.map((/** @type {any} */ n) => nodeItem(st, n));
    const stores = st.nodes.flatMap((/** @type {any} */ n) => Object.keys(st.storages).filter((s) => storageOn(st, s, n.name)).map((s) => {
      const x = storageStatus(st, s, n.name);
      return { id: `storage/${n.name}/${s}`, storage: s, node: n.name, type: 'storage', status: n.online ? 'available' : 'unknown', plugintype: x.type, content: x.content, shared: x.shared, disk: x.used, maxdisk: x.total };
    }));
    const t = q.type;
    if (t === 'vm') return guests;
    if (t === 'node') return nodes;
    if (t === 'storage') return stores;
    if (t) die(formatErrors({ type: `value '${t}' does not have a value in the enumeration 'vm, storage, node, sdn'` }, 'pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]'));
    return [...nodes, ...stores, ...guests];
  }
  if (p === '/cluster/nextid') {
    if (q.vmid) {
      if (st.guests[q.vmid]) die(formatErrors({ vmid: `VM ${q.vmid} already exists` }, 'pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]'));
      return q.vmid;
    }
    for (let id = st.nextIdLower; id < st.nextIdUpper; id++) if (!st.guests[String(id)]) return String(id);
    die(`unable to get any free VMID in range [${st.nextIdLower}, ${st.nextIdUpper}]`);
  }
  if (p === '/storage') return Object.entries(st.storages).map(([k, s]) => storageCfg(k, s));
  if ((m = /^\/storage\/([^/]+)$/.exec(p))) {
    const s = st.storages[m[1]];
    if (!s) die(`storage '${m[1]}' does not exist`);
    return storageCfg(m[1], s);
  }
  if ((m = /^\/nodes\/([^/]+)(\/.*)?$/.exec(p))) return nodeGet(st, m[1], m[2] ?? '', q);
  die(`No 'get' handler defined for '${p.replace(/^\//, '')}'`);
}

/** @param {string} name @param {any} s */
function storageCfg(name, s) {
  /** @type {any} */
  const r = { storage: name, type: s.type, content: s.content.join(','), digest: '6f1c0e8a3b2d4c5e6f7a8b9c0d1e2f3a4b5c6d7e' };
  if (s.type === 'lvmthin') Object.assign(r, { thinpool: 'data', vgname: 'pve' });
  if (s.type === 'lvm') Object.assign(r, { vgname: 'pve' });
  if (s.type === 'zfspool') Object.assign(r, { pool: 'rpool/data', sparse: 1 });
  if (['dir', 'btrfs'].includes(s.type)) r.path = `/var/lib/vz`;
  if (s.type === 'nfs') Object.assign(r, { server: '192.168.100.5', export: '/export/pve', path: `/mnt/pve/${name}` });
  if (s.type === 'rbd') Object.assign(r, { pool: name, krbd: 0 });
  if (s.shared) r.shared = 1;
  if (s.nodes) r.nodes = s.nodes.join(',');
  if (!s.enabled) r.disable = 1;
  return r;
}

/** @param {any} st @param {string} node @param {string} rest @param {Record<string, string>} q */
function nodeGet(st, node, rest, q) {
  const n = onlineNode(st, node);
  let m;
  if (rest === '/status') {
    return { uptime: 86400, idle: 0, loadavg: ['0.10', '0.05', '0.01'], kversion: `Linux ${kernel(st)} #1 SMP PREEMPT_DYNAMIC PMX`, 'current-kernel': { sysname: 'Linux', release: kernel(st), version: '#1 SMP PREEMPT_DYNAMIC PMX', machine: 'x86_64' },
      'boot-info': { mode: 'efi', secureboot: 0 }, cpuinfo: { model: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', sockets: 1, cores: n.cpus, cpus: n.cpus, mhz: '2400.000', hvm: '1', flags: nodeCpuFlags(n) },
      cpu: 0.02, wait: 0, memory: { total: n.memGiB * GiB, used: (n.usedGiB ?? 4) * GiB, free: (n.memGiB - (n.usedGiB ?? 4)) * GiB, available: (n.memGiB - (n.usedGiB ?? 4)) * GiB }, ksm: { shared: 0 }, swap: { total: 8 * GiB, used: 0, free: 8 * GiB },
      pveversion: pveVersionString(st), rootfs: { total: 100 * GiB, used: 10 * GiB, avail: 90 * GiB, free: 90 * GiB } };
  }
  if (rest === '/storage') {
    return Object.keys(st.storages).filter((s) => storageOn(st, s, node)).filter((s) => !q.content || st.storages[s].content.includes(q.content)).map((s) => storageStatus(st, s, node));
  }
  if ((m = /^\/storage\/([^/]+)\/status$/.exec(rest))) {
    if (!storageOn(st, m[1], node)) die(formatErrors({ storage: 'No such storage.' }, 'pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]'));
    const x = storageStatus(st, m[1], node);
    return { type: x.type, content: x.content, total: x.total, used: x.used, avail: x.avail, active: 1, enabled: x.enabled, shared: x.shared };
  }
  if ((m = /^\/storage\/([^/]+)\/content$/.exec(rest))) {
    if (!storageOn(st, m[1], node)) die(formatErrors({ storage: 'No such storage.' }, 'pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]'));
    const store = m[1]; const s = st.storages[store];
    const here = (/** @type {any} */ v) => s.shared || (v.node ?? st.localNode) === node; // a non-shared storage is per node
    /** @type {any[]} */
    const items = (!q.content || q.content === 'images') ? Object.entries(st.volumes[store] ?? {}).filter(([, v]) => here(v) && (!q.vmid || String(v.vmid) === q.vmid))
      .map(([name, v]) => ({ volid: `${store}:${name}`, format: v.format, content: 'images', size: v.size, vmid: v.vmid, ctime: 1700000000, ...(v.base ? { parent: v.base.replace(/^[^:]+:/, '') } : {}) })) : [];
    if (isPathStorage(s.type) && !q.vmid) {
      for (const [sub, ct] of [['template/iso', 'iso'], ['import', 'import'], ['snippets', 'snippets']]) {
        if (q.content && q.content !== ct) continue;
        const d = onNode(st, node, path.join(storageDir(store), sub));
        if (!fs.existsSync(d)) continue;
        for (const f of fs.readdirSync(d).sort()) {
          if (/\.tmp_dwnl\./.test(f)) continue;
          const fst = fs.statSync(path.join(d, f));
          items.push({ volid: `${store}:${ct}/${f}`, format: ct === 'iso' ? 'iso' : ct === 'snippets' ? 'snippet' : (/\.(\w+)$/.exec(f)?.[1] ?? 'raw'), content: ct, size: fst.size, ctime: Math.floor(fst.mtimeMs / 1000) });
        }
      }
    }
    return items;
  }
  if (rest === '/network') {
    const bridges = st.bridges.filter((/** @type {any} */ b) => !b.nodes || b.nodes.includes(node)).map((/** @type {any} */ b) => {
      /** @type {any} */
      const r = { iface: b.name, type: 'bridge', active: 1, autostart: 1, bridge_ports: b.ports, bridge_stp: 'off', bridge_fd: '0', method: 'manual', families: ['inet'], priority: 5 };
      if (b.vlanAware) { r.bridge_vlan_aware = 1; r['bridge-vids'] = '2-4094'; }
      if (b.cidr) Object.assign(r, { method: 'static', cidr: b.cidr, address: b.cidr.split('/')[0], netmask: b.cidr.split('/')[1] });
      return r;
    });
    // eno1 and every bridge port, typed as PVE::Network::Interfaces does (bridges.mjs apiIfaceType)
    const names = [...new Set(['eno1', ...st.bridges.filter((/** @type {any} */ b) => !b.nodes || b.nodes.includes(node)).flatMap(bridgePorts)])];
    const phys = names.map((n) => ({ iface: n, type: apiIfaceType(n), active: 1, exists: 1, method: 'manual', families: ['inet'], priority: 3 }));
    if (q.type === 'bridge' || q.type === 'any_bridge') return bridges;
    if (q.type === 'eth') return phys.filter((x) => x.type === 'eth');
    return [...phys, ...bridges];
  }
  if (rest === '/qemu' || rest === '/lxc') {
    const type = rest.slice(1);
    return Object.values(st.guests).filter((g) => g.type === type && g.node === node).map((g) => {
      const r = vmResource(st, g);
      delete r.id; delete r.type; delete r.node;
      return r;
    });
  }
  if ((m = /^\/qemu\/(\d+)(\/.*)?$/.exec(rest))) {
    const g = localVm(st, m[1], node);
    const sub = m[2] ?? '';
    if (sub === '/config') return { ...g.config, ...(g.config.cipassword ? { cipassword: '**********' } : {}), digest: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' };
    if (sub === '/status/current') {
      const r = vmResource(st, g);
      Object.assign(r, { qmpstatus: g.status, ha: { managed: 0 } });
      if (g.config.agent) r.agent = 1;
      if (g.pid) r.pid = g.pid;
      delete r.id; delete r.node; delete r.type;
      return r;
    }
    if ((m = /^\/agent\/([\w-]+)$/.exec(sub))) return { result: agentCall(st, g, m[1]) };
    if (sub === '/snapshot') return snapshotList(g);
  }
  die(`No 'get' handler defined for 'nodes/${node}${rest}'`);
}
