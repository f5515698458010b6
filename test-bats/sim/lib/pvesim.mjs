// @ts-check
// `pvesim`: the simulator's control tool (init, storages, bridges, guests, timings, faults...).
import fs from 'node:fs';
import path from 'node:path';
import { SimExit, out, err } from './util.mjs';
import { simDir, lock, unlock, load, save, statePath, now } from './state.mjs';
import { newHost, addStorage, GiB, onNode } from './host.mjs';
import { bootVolume } from './vm.mjs';
import { runtime } from './vm.mjs';
import { normTags } from './guest.mjs';
import { FLAGS_V2, FLAGS_V3 } from './cpu.mjs';
import { hostKey, HOST_KEY_TYPES } from './hostkeys.mjs';

/** Minimal `--key value` / `--flag` parser. @param {string[]} a @param {string[]} flags */
function opts(a, flags = []) {
  /** @type {Record<string, string>} */
  const o = {};
  /** @type {string[]} */
  const pos = [];
  for (let i = 0; i < a.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(a[i]);
    if (!m) { pos.push(a[i]); continue; }
    if (m[2] !== undefined) o[m[1]] = m[2];
    else if (flags.includes(m[1])) o[m[1]] = '1';
    else if (i + 1 < a.length) o[m[1]] = a[++i];
    else throw new SimExit(2, `pvesim: --${m[1]} needs a value`);
  }
  return { o, pos };
}
const num = (/** @type {string|undefined} */ v, /** @type {number|undefined} */ d) => (v === undefined ? d : Number(v));

/** `pvesim node cpu NODE --level v2|v3 | --flags 'LIST'`: the flags, or undefined (the default). @param {Record<string, string>} o */
function cpuFlagsOption(o) {
  if (o.flags !== undefined) return o.flags.trim().split(/\s+/).join(' ');
  if (o.level === 'v2') return FLAGS_V2;
  if (o.level === 'v3' || o.level === undefined) return FLAGS_V3;
  throw new SimExit(2, `pvesim node cpu: --level v2|v3 or --flags 'LIST', not --level ${o.level}`);
}

/** @param {string[]} argv */
export async function pvesim(argv) {
  const [cmd, ...a] = argv;
  let code = 0;
  try {
    if (cmd === 'init') { init(a); return; }
    if (cmd === 'calls') { calls(a); return; }
    lock();
    const st = load();
    code = Number(control(st, cmd, a) ?? 0);
    save(st);
  } catch (e) {
    if (!(e instanceof SimExit)) throw e;
    if (e.message) err(e.message.endsWith('\n') ? e.message : e.message + '\n');
    code = e.code;
  } finally { unlock(); }
  process.exit(code);
}

/** @param {string[]} a */
function init(a) {
  const { o } = opts(a);
  const dir = simDir();
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['state.json', 'calls.jsonl']) fs.rmSync(path.join(dir, f), { force: true });
  fs.rmSync(path.join(dir, 'storage'), { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'hostkeys'), { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'etc-pve'), { recursive: true, force: true });
  const st = newHost({ version: o.version, nodes: num(o.nodes, 1), offlineNode: o['offline-node'], nodeName: o['node-name'], cpus: num(o.cpus, 8), memGiB: num(o['mem-gib'], 32) });
  if (o.nodes === '3' && !o['offline-node'] && o['offline-node'] !== '') st.nodes[2].online = 0;
  fs.writeFileSync(statePath(), JSON.stringify(st, null, 1));
  fs.writeFileSync(path.join(dir, 'calls.jsonl'), '');
}

/** @param {string[]} a */
function calls(a) {
  const { o } = opts(a, ['mutating', 'count', 'args']);
  const file = path.join(simDir(), 'calls.jsonl');
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  let recs = lines.map((l) => JSON.parse(l));
  if (o.tool) recs = recs.filter((r) => r.tool === o.tool);
  if (o.mutating) recs = recs.filter((r) => r.mutating);
  if (o.match) recs = recs.filter((r) => new RegExp(o.match).test(`${r.tool} ${r.args.join(' ')}`));
  if (o.count) out(`${recs.length}\n`);
  else if (o.args) for (const r of recs) out(`${r.tool} ${r.args.join(' ')}\n`);
  else for (const r of recs) out(JSON.stringify(r) + '\n');
}

/** @param {any} st @param {string} cmd @param {string[]} a @returns {number|void} */
function control(st, cmd, a) {
  const { o, pos } = opts(a, ['vlan-aware', 'disabled', 'agent', 'no-agent', 'clear', 'online', 'offline', 'kill', 'template']);
  switch (cmd) {
    case 'storage': {
      const [sub, name] = pos;
      if (sub === 'add') addStorage(st, name, { type: o.type, content: o.content, totalGiB: num(o['total-gib'], 100), freeGiB: num(o['free-gib'], undefined), shared: num(o.shared, undefined), nodes: o.nodes, enabled: o.disabled ? 0 : 1 });
      else if (sub === 'set') {
        const s = st.storages[name] ?? fail(`no storage ${name}`);
        if (o['free-gib'] !== undefined) { const used = Object.values(st.volumes[name] ?? {}).reduce((x, v) => x + v.size, 0); s.baseUsed = s.total - used - Number(o['free-gib']) * GiB; }
        if (o.content !== undefined) s.content = o.content.split(',').filter(Boolean);
        if (o.enabled !== undefined) s.enabled = Number(o.enabled);
        if (o.nodes !== undefined) s.nodes = o.nodes ? o.nodes.split(',') : null;
      } else if (sub === 'remove') { delete st.storages[name]; delete st.volumes[name]; }
      else fail('usage: pvesim storage add|set|remove NAME ...');
      return;
    }
    case 'bridge': {
      const [sub, name] = pos;
      const nodes = o.nodes ? o.nodes.split(',') : null;
      // one bridge of a name per node: `--nodes` lets nodes have different bridges of one name
      st.bridges = st.bridges.filter((/** @type {any} */ b) => b.name !== name || (sub === 'add' && nodes && b.nodes && !b.nodes.some((/** @type {string} */ n) => nodes.includes(n))));
      if (sub === 'add') st.bridges.push({ name, vlanAware: o['vlan-aware'] ? 1 : 0, nodes, ports: o.ports ? o.ports.split(',').join(' ') : 'none', cidr: o.cidr ?? null });
      else if (sub !== 'remove') fail('usage: pvesim bridge add|remove NAME [--vlan-aware] [--ports p1,p2] [--nodes a,b] [--cidr C]');
      return;
    }
    case 'lan': {
      // devices on a bridge's network that are not guests (a router, a printer): they answer
      // ARP and ping (tool-arping.mjs, tool-ping.mjs) for their address
      const [sub, ip] = pos;
      st.lan = (st.lan ?? []).filter((/** @type {any} */ h) => sub !== 'clear' && h.ip !== ip);
      if (sub === 'add' && ip) st.lan.push({ ip, bridge: o.bridge ?? 'vmbr0', mac: (o.mac ?? 'A0:36:9F:AA:00:01').toUpperCase(), nodes: o.nodes ? o.nodes.split(',') : null });
      else if (sub !== 'remove' && sub !== 'clear') fail('usage: pvesim lan add IP [--bridge B] [--mac M] [--nodes a,b] | lan remove IP | lan clear');
      return;
    }
    case 'guest': {
      const [sub, id] = pos;
      if (sub === 'remove') { delete st.guests[id]; return; }
      if (sub !== 'add' || !/^\d+$/.test(id ?? '')) fail('usage: pvesim guest add ID [--type qemu|lxc] [--name N] [--node N] [--tags T] [--status running|stopped] [--lock L] [--agent] [--ip CIDR] [--template]');
      const type = o.type ?? 'qemu';
      /** @type {Record<string, string>} */
      const config = { name: o.name ?? `${type === 'lxc' ? 'ct' : 'vm'}${id}`, memory: '2048', cores: '2' };
      if (type === 'lxc') { config.hostname = config.name; delete config.name; }
      if (o.tags) config.tags = normTags(o.tags);
      if (o.lock) config.lock = o.lock;
      if (o.template) config.template = '1';
      if (type === 'qemu') { config.net0 = `virtio=BC:24:11:00:${(Number(id) >> 8 & 255).toString(16).toUpperCase().padStart(2, '0')}:${(Number(id) & 255).toString(16).toUpperCase().padStart(2, '0')},bridge=vmbr0`; config.agent = '1'; }
      const disk = o.storage ?? 'local-lvm';
      const vol = type === 'lxc' ? `vm-${id}-disk-0` : `vm-${id}-disk-0`;
      (st.volumes[disk] ??= {})[vol] = { size: 8 * GiB, vmid: Number(id), format: 'raw', agent: !!o.agent, user: o.user ?? 'ubuntu' };
      if (type === 'qemu') config.scsi0 = `${disk}:${vol},size=8G`; else config.rootfs = `${disk}:${vol},size=8G`;
      // --ip CIDR: a static address in the config (qemu ipconfig0 as qm set writes it; lxc netN)
      if (o.ip && type === 'qemu') config.ipconfig0 = `ip=${o.ip}${o.gw ? `,gw=${o.gw}` : ''}`;
      if (o.ip && type === 'lxc') config.net0 = `name=eth0,bridge=vmbr0,hwaddr=BC:24:11:01:00:${(Number(id) & 255).toString(16).toUpperCase().padStart(2, '0')},ip=${o.ip},type=veth`;
      const running = (o.status ?? 'stopped') === 'running';
      st.guests[id] = { vmid: Number(id), type, node: o.node ?? st.localNode, status: running ? 'running' : 'stopped', config,
        startedAt: running ? now(st) - 3600e3 : null, pid: running ? 10000 + Number(id) : null, agentInstalled: !!o.agent, user: o.user ?? 'ubuntu', ciupgrade: 0 };
      if (running && type === 'qemu') { const n = st.nextIp++; st.guests[id].ip = st.guests[id].dhcpIp = `10.233.${(n >> 8) & 255}.${n & 255}`; }
      return;
    }
    case 'node': {
      const n = st.nodes.find((/** @type {any} */ x) => x.name === pos[1]) ?? fail(`no node ${pos[1]}`);
      if (pos[0] === 'mem') {
        // node memory as /cluster/resources and /nodes/N/status report it (maxmem, mem)
        const o = opts(a).o;
        if (o['mem-gib'] !== undefined) n.memGiB = Number(o['mem-gib']);
        if (o['used-gib'] !== undefined) n.usedGiB = Number(o['used-gib']);
        return;
      }
      if (pos[0] === 'cpu') { n.cpuFlags = cpuFlagsOption(opts(a).o); return; } // cpuinfo.flags of /nodes/N/status
      n.online = pos[0] === 'online' ? 1 : 0;
      return;
    }
    case 'timing': {
      const t = opts(a).o;
      for (const [k, v] of Object.entries(t)) {
        if (!(k in st.timing) || !/^\d+(\.\d+)?$/.test(v)) fail(`pvesim timing: bad --${k} ${v} (seconds for: ${Object.keys(st.timing).join(', ')})`);
        st.timing[k] = Number(v);
      }
      out(JSON.stringify(st.timing) + '\n');
      return;
    }
    case 'image-agent': st.imageAgent = pos[0] === '1' || pos[0] === 'on' ? 1 : 0; return;
    case 'image': {
      if (pos[0] !== 'add' || !pos[1]) fail('usage: pvesim image add URL [--size-gib N] [--agent] [--user U] [--machine-id ID] [--checksum-url URL --checksum-format sha256|sha512|bsd]');
      st.images[pos[1]] = { sizeGiB: num(o['size-gib'], 3.5), agent: o.agent ? 1 : 0, user: o.user ?? 'ubuntu', checksumUrl: o['checksum-url'] ?? null, checksumFormat: o['checksum-format'] ?? 'sha256', machineId: o['machine-id'] ?? '' };
      return;
    }
    case 'fault': {
      if (o.clear || pos[0] === 'clear') { st.faults = []; return; }
      if (pos.length < 2) fail("usage: pvesim fault TOOL 'ARGS-REGEX' [--nth N] [--count K] [--error TEXT] [--exit N] [--kill]");
      st.faults.push({ tool: pos[0], re: pos[1], nth: num(o.nth, 1), count: num(o.count, 1), error: o.error, exit: o.exit === undefined ? undefined : Number(o.exit), kill: o.kill ? 1 : 0, seen: 0 });
      return;
    }
    case 'latency': st.latency = Number(pos[0] ?? 0); return;
    case 'start-error': st.startError = pos[0] ?? ''; return;
    case 'cloud-init': {
      if (!['done', 'error', 'degraded'].includes(pos[0] ?? '')) throw new SimExit(2, 'pvesim: cloud-init done|error|degraded');
      st.cloudInitResult = pos[0]; return;
    }
    case 'clock': st.clockOffsetMs += Number(pos[0] ?? 0) * 1000; return;
    case 'download': {
      if (pos[0] === 'clear') { st.downloads = []; return; }
      const [re, mode] = pos;
      if (!re || !['fail', 'truncate', 'short', 'corrupt', 'ok'].includes(mode)) fail("usage: pvesim download 'URL-REGEX' fail|truncate|short|corrupt|ok [--http 404] [--count K]");
      st.downloads.push({ re, mode, http: num(o.http, 404), count: num(o.count, 0), seen: 0 });
      return;
    }
    case 'version': if (pos[0]) st.version = pos[0]; else out(`${st.version}\n`); return;
    case 'hostname': out(`${st.localNode}\n`); return;
    case 'vm': {
      const g = st.guests[pos[0]] ?? fail(`no guest ${pos[0]}`);
      out(JSON.stringify({ ...g, runtime: runtime(st, g) }, null, 2) + '\n');
      return;
    }
    case 'ip': { const g = st.guests[pos[0]]; const ip = g ? runtime(st, g).ip : null; if (!ip) return 1; out(`${ip}\n`); return; }
    case 'host-key': {
      // the guest's host public key of a type (ed25519 default, ecdsa), made on first use
      const g = st.guests[pos[0]] ?? fail(`no guest ${pos[0]}`);
      const type = pos[1] ?? 'ed25519';
      if (!HOST_KEY_TYPES.includes(type)) fail(`usage: pvesim host-key ID [${HOST_KEY_TYPES.join('|')}]`);
      out(`${hostKey(g, type)}\n`);
      return;
    }
    case 'volumes': out(JSON.stringify(st.volumes, null, 2) + '\n'); return;
    case 'node-path': {
      // where a path of node NODE lives in the simulator (each node has its own files)
      if (!pos[0] || !pos[1]?.startsWith('/')) fail('usage: pvesim node-path NODE /ABSOLUTE/PATH');
      if (!st.nodes.some((/** @type {any} */ n) => n.name === pos[0])) fail(`no node ${pos[0]}`);
      const p = onNode(st, pos[0], pos[1]);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      out(`${p}\n`);
      return;
    }
    case 'machine-id': {
      // the /etc/machine-id on the VM's boot disk ('' = uninitialized: systemd makes one at boot)
      const g = st.guests[pos[0]] ?? fail(`no guest ${pos[0]}`);
      const v = bootVolume(st, g) ?? fail(`guest ${pos[0]} has no boot disk`);
      out(`${v.machineId ?? ''}\n`);
      return;
    }
    case 'state': out(JSON.stringify(st, null, 2) + '\n'); return;
    default: fail(`pvesim: unknown command '${cmd ?? ''}' (see test-bats/sim/README.md)`);
  }
}

/** @param {string} msg @returns {never} */
function fail(msg) { throw new SimExit(2, msg); }
