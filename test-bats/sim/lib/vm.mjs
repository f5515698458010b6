// @ts-check
// Guests: lookup with the real errors, time-based runtime (DHCP, agent, sshd), start/stop.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { now } from './state.mjs';
import { die, out, parsePropString, versionAtLeast } from './util.mjs';
import { volumePath, onNode } from './host.mjs';
import { bridgeOn, physicalPorts } from './bridges.mjs';
import { cpuStartError, nodeCpuFlags } from './cpu.mjs';

export const DISK_RE = /^(scsi|sata|ide|virtio|efidisk|tpmstate|unused)\d+$/;

/** The local VM or the real "does not exist" error (qm only sees the local node). @param {any} st */
export function localVm(st, vmid, node = st.localNode) {
  const g = st.guests[String(vmid)];
  if (!g || g.type !== 'qemu' || g.node !== node) die(`Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
  return g;
}

/** AbstractConfig::check_lock. */
export function checkLock(g, skiplock = false) {
  if (g.config.lock && !skiplock) die(`VM is locked (${g.config.lock})`);
}

export const randomMac = () => 'BC:24:11:' + Array.from(crypto.randomBytes(3)).map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');

/** MAC of netN (upper-case, as in the config). */
export function netMac(g, n = 0) {
  const v = g.config[`net${n}`];
  if (!v) return null;
  const m = /(?:^|,)(?:[a-z0-9-]+|macaddr)=([0-9A-Fa-f:]{17})/.exec(v);
  return m ? m[1].toUpperCase() : null;
}

/** Time-based state of a guest. @param {any} st @param {any} g */
export function runtime(st, g) {
  if (g.status !== 'running') return { running: false, ip: null, agentUp: false, sshUp: false, ciDone: false };
  const T = st.timing; const t = now(st); const s = g.startedAt;
  const boot = s + T.boot * 1000;
  const ipAt = g.staticIp ? boot : boot + T.dhcp * 1000;
  const upgrade = g.ciupgrade ? T.upgrade * 1000 : 0;
  const agentAt = g.agentInstalled ? boot + T.agent * 1000 + (g.agentFromSnippet ? upgrade : 0) : Infinity;
  const sshAt = boot + T.ssh * 1000;
  const ciDoneAt = sshAt + T.cloudinit * 1000 + upgrade;
  const ip = g.ip && t >= ipAt ? g.ip : null;
  return { running: true, ip, agentUp: t >= agentAt, sshUp: !!ip && t >= sshAt, ciDone: t >= ciDoneAt, ciDoneAt };
}

/** Finds the running guest that holds `ip` right now. */
export function guestByIp(st, ip) {
  return Object.values(st.guests).find((g) => g.type === 'qemu' && runtime(st, g).ip === ip) ?? null;
}

function allocIp(st) {
  const n = st.nextIp++;
  return `10.233.${(n >> 8) & 255}.${n & 255}`;
}

/** vm_start: checks, cloud-init ISO, then the guest boots in simulated time. @param {any} st @param {any} g */
export function startVm(st, g, { skiplock = false } = {}) {
  checkLock(g, skiplock);
  if (g.status === 'running') die(`VM ${g.vmid} already running`);
  if (g.config.template) die("you can't start a vm if it's a template"); // QemuServer.pm vm_start
  const c = g.config;
  for (const [k, v] of Object.entries(c)) {
    if (!/^net\d+$/.test(k)) continue;
    const br = parsePropString(v).bridge;
    if (br && !st.bridges.some((b) => b.name === br && (!b.nodes || b.nodes.includes(g.node)))) die(`bridge '${br}' does not exist`);
  }
  let snippetAgent = false;
  const custom = c.cicustom ? parsePropString(c.cicustom) : {};
  for (const volid of Object.values(custom)) {
    const p = onNode(st, g.node, volumePath(st, volid));
    // Cloudinit.pm read_cloudinit_snippets_file: abs_filesystem_path since qemu-server 8.1
    // (fix #4085, Jan 2024), file_get_contents of PVE::Storage::path before
    if (!fs.existsSync(p)) die(versionAtLeast(st.version, '8.1') ? `can't find file '${volid}'` : `can't open '${volumePath(st, volid)}' - No such file or directory`);
  }
  if (custom.vendor) snippetAgent = /qemu-guest-agent/.test(fs.readFileSync(onNode(st, g.node, volumePath(st, custom.vendor)), 'utf8'));
  if (st.startError) die(st.startError);
  const cpuErr = cpuStartError(c.cpu, nodeCpuFlags(st.nodes.find((/** @type {any} */ n) => n.name === g.node) ?? {}));
  if (cpuErr) die(cpuErr);
  const hasCi = Object.entries(c).some(([k, v]) => DISK_RE.test(k) && /cloudinit/.test(v));
  if (hasCi) out('generating cloud-init ISO\n');
  checkVlanPlug(st, g);
  const boot = bootVolume(st, g);
  // systemd writes /etc/machine-id on the first boot when it is empty (vendor cloud images ship it
  // empty); a disk copied or cloned after that keeps it.
  if (boot && !boot.machineId) boot.machineId = crypto.randomBytes(16).toString('hex');
  const imageAgent = !!boot?.agent;
  const ipc = c.ipconfig0 ? parsePropString(c.ipconfig0) : {};
  g.staticIp = ipc.ip && ipc.ip !== 'dhcp' ? ipc.ip.split('/')[0] : null;
  // The DHCP client identity (systemd-networkd's DUID) derives from the machine-id: guests that
  // share a machine-id get the same lease, i.e. the same address.
  const lease = boot?.machineId ? `machine-id:${boot.machineId}` : `vm:${g.vmid}`;
  st.leases ??= {};
  if (netMac(g)) g.ip = g.staticIp ?? (g.dhcpIp = (st.leases[lease] ??= g.dhcpIp ?? allocIp(st))); else g.ip = null;
  g.agentInstalled = imageAgent || snippetAgent;
  g.agentFromSnippet = !imageAgent && snippetAgent;
  g.ciupgrade = !versionAtLeast(st.version, '8.0') || c.ciupgrade === undefined ? 1 : Number(/^(1|on|yes|true)$/i.test(c.ciupgrade));
  g.user = c.ciuser ?? boot?.user ?? 'ubuntu';
  g.status = 'running';
  g.startedAt = now(st);
  g.pid = 10000 + Number(g.vmid);
}

/**
 * QEMU runs qemu-server's pve-bridge script for each tap; its tap_plug dies for a tag on a Linux
 * bridge that is not VLAN aware and has no physical port (bridges.mjs). The script's die text,
 * QEMU's "network script ... failed with status N" (net/tap.c; N is the raw wait status: perl's
 * die exits with errno, 25 ENOTTY here, so 6400 -- derived, not seen live) and qm's start error.
 * The scripts live in /usr/libexec/qemu-server since qemu-server 8.3.11 (PVE 8.4), before in
 * /var/lib/qemu-server. @param {any} st @param {any} g
 */
function checkVlanPlug(st, g) {
  for (const [k, v] of Object.entries(g.config)) {
    const n = /^net(\d+)$/.exec(k)?.[1];
    if (n === undefined) continue;
    const o = parsePropString(String(v));
    const b = bridgeOn(st, o.bridge, g.node);
    if (!b || !o.tag || b.vlanAware || physicalPorts(st, b).length) continue;
    const dir = versionAtLeast(st.version, '8.4') ? '/usr/libexec/qemu-server' : '/var/lib/qemu-server';
    const vhost = /^virtio/.test(String(v)) ? ',vhost=on' : '';
    die(`no physical interface on bridge '${b.name}'\nkvm: -netdev type=tap,id=net${n},ifname=tap${g.vmid}i${n},script=${dir}/pve-bridge,downscript=${dir}/pve-bridgedown${vhost}: network script ${dir}/pve-bridge failed with status 6400\nstart failed: QEMU exited with code 1`);
  }
}

/** The volume meta of the boot disk (first of boot order, else scsi0/virtio0/sata0). */
export function bootVolume(st, g) {
  const c = g.config;
  const order = /order=([^,]+)/.exec(c.boot ?? '')?.[1]?.split(';') ?? ['scsi0', 'virtio0', 'sata0', 'ide0'];
  for (const d of order) {
    const v = c[d];
    if (!v || /media=cdrom/.test(v)) continue;
    const m = /^([^:,]+):([^,]+)/.exec(v);
    if (m) return st.volumes[m[1]]?.[m[2]] ?? null;
  }
  return null;
}

export function stopVm(g) {
  g.status = 'stopped';
  g.startedAt = null;
  g.pid = null;
}

/** QGA guest-network-get-interfaces reply for a running guest with its agent up. */
export function agentInterfaces(st, g) {
  const rt = runtime(st, g);
  const stats = { 'rx-bytes': 1024, 'rx-dropped': 0, 'rx-errs': 0, 'rx-packets': 12, 'tx-bytes': 1024, 'tx-dropped': 0, 'tx-errs': 0, 'tx-packets': 12 };
  const lo = { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [
    { 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }, { 'ip-address': '::1', 'ip-address-type': 'ipv6', prefix: 128 }], statistics: stats };
  const mac = netMac(g)?.toLowerCase();
  if (!mac) return [lo];
  const b = mac.split(':').map((x) => parseInt(x, 16));
  b[0] ^= 2;
  const h = (/** @type {number} */ i, /** @type {number} */ j) => ((b[i] << 8) | b[j]).toString(16);
  const ll = `fe80::${h(0, 1)}:${b[2].toString(16)}ff:fe${b[3].toString(16).padStart(2, '0')}:${h(4, 5)}`;
  /** @type {any} */
  const eth = { name: 'eth0', 'hardware-address': mac, statistics: stats };
  if (rt.ip) {
    const prefix = g.staticIp ? Number((parsePropString(g.config.ipconfig0).ip ?? '/24').split('/')[1]) : 16;
    eth['ip-addresses'] = [{ 'ip-address': rt.ip, 'ip-address-type': 'ipv4', prefix }, { 'ip-address': ll, 'ip-address-type': 'ipv6', prefix: 64 }];
  }
  return [lo, eth];
}

/** assert_agent_available + the command. @param {any} st @param {any} g */
export function agentCall(st, g, cmd) {
  const c = g.config;
  if (!c.agent || !/^(enabled=)?(1|on|yes|true)\b/.test(c.agent)) die('No QEMU guest agent configured');
  const rt = runtime(st, g);
  if (!rt.running) die(`VM ${g.vmid} is not running`);
  if (!rt.agentUp) die('QEMU guest agent is not running');
  switch (cmd) {
    case 'network-get-interfaces': return agentInterfaces(st, g);
    case 'ping': return {};
    case 'get-host-name': return { 'host-name': c.name ?? `VM${g.vmid}` };
    case 'get-osinfo': return { id: 'ubuntu', name: 'Ubuntu', 'pretty-name': 'Ubuntu 24.04 LTS', 'version-id': '24.04', 'kernel-release': '6.8.0-31-generic', machine: 'x86_64' };
    case 'info': return { version: '8.2.2', 'supported_commands': [] };
    default: die(`400 Parameter verification failed.\ncommand: value '${cmd}' does not have a value in the enumeration 'fsfreeze-freeze, fsfreeze-status, fsfreeze-thaw, fstrim, get-fsinfo, get-host-name, get-memory-block-info, get-memory-blocks, get-osinfo, get-time, get-timezone, get-users, get-vcpus, info, network-get-interfaces, ping, shutdown, suspend-disk, suspend-hybrid, suspend-ram'`);
  }
  return null;
}
