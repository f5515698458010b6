// @ts-check
// Fake `pvesm` (pve-storage PVE/CLI/pvesm.pm): status, list, path, alloc, free.
import fs from 'node:fs';
import path from 'node:path';
import { die, out, err, parseSize } from './util.mjs';
import { storageOn, storageUsed, volumePath, parseVolid, allocVolume, storageDir, isPathStorage } from './host.mjs';

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const st = ctx.st;
  const [cmd, ...a] = ctx.args;
  /** @type {Record<string, string>} */
  const o = {};
  /** @type {string[]} */
  const pos = [];
  for (let i = 0; i < a.length; i++) { const m = /^--?([\w-]+)(?:=(.*))?$/.exec(a[i]); if (m) o[m[1]] = m[2] ?? a[++i] ?? ''; else pos.push(a[i]); }
  const node = st.localNode;
  switch (cmd) {
    case 'status': {
      let names = Object.keys(st.storages).filter((s) => storageOn(st, s, node) || !st.storages[s].enabled);
      if (o.storage) { if (!st.storages[o.storage]) die(`storage '${o.storage}' does not exist`); names = [o.storage]; }
      if (o.content) names = names.filter((s) => st.storages[s].content.includes(o.content) && st.storages[s].enabled);
      const w = Math.max(4, ...names.map((n) => n.length));
      out(`${'Name'.padEnd(w)} ${'Type'.padStart(10)} ${'Status'.padStart(10)} ${'Total'.padStart(15)} ${'Used'.padStart(15)} ${'Available'.padStart(15)} ${'%'.padStart(8)}\n`);
      for (const n of names) {
        const s = st.storages[n];
        const used = storageUsed(st, n);
        const k = (/** @type {number} */ b) => String(Math.round(b / 1024)).padStart(15);
        const active = s.enabled && storageOn(st, n, node);
        out(`${n.padEnd(w)} ${s.type.padStart(10)} ${(active ? 'active' : 'disabled').padStart(10)} ${k(active ? s.total : 0)} ${k(active ? used : 0)} ${k(active ? s.total - used : 0)} ${((active ? used / s.total : 0) * 100).toFixed(2).padStart(7)}%\n`);
      }
      return 0;
    }
    case 'list': {
      const store = pos[0] ?? die('400 not enough arguments\npvesm list <storage> [OPTIONS]');
      if (!storageOn(st, store, node)) die(`storage '${store}' does not exist`);
      const rows = Object.entries(st.volumes[store] ?? {}).filter(([, v]) => !o.vmid || String(v.vmid) === o.vmid)
        .map(([n, v]) => [`${store}:${n}`, v.format, 'images', String(v.size), String(v.vmid)]);
      if (isPathStorage(st.storages[store].type)) {
        for (const [sub, ct] of [['snippets', 'snippets'], ['template/iso', 'iso'], ['import', 'import']]) {
          const d = path.join(storageDir(store), sub);
          if (!fs.existsSync(d) || (o.content && o.content !== ct)) continue;
          for (const f of fs.readdirSync(d).sort()) rows.push([`${store}:${ct}/${f}`, ct === 'iso' ? 'iso' : ct === 'snippets' ? 'snippet' : 'raw', ct, String(fs.statSync(path.join(d, f)).size), '']);
        }
      }
      const w = Math.max(5, ...rows.map((r) => r[0].length));
      out(`${'Volid'.padEnd(w)} ${'Format'.padEnd(6)} ${'Type'.padEnd(9)} ${'Size'.padStart(12)} VMID\n`);
      for (const r of rows.sort((x, y) => x[0].localeCompare(y[0]))) out(`${r[0].padEnd(w)} ${r[1].padEnd(6)} ${r[2].padEnd(9)} ${r[3].padStart(12)} ${r[4]}\n`);
      return 0;
    }
    case 'path': {
      out(volumePath(st, pos[0] ?? die('400 not enough arguments\npvesm path <volume>')) + '\n');
      return 0;
    }
    case 'alloc': {
      const [store, vmid, name, size] = pos;
      if (!size) die('400 not enough arguments\npvesm alloc <storage> <vmid> <filename> <size> [OPTIONS]');
      if (!storageOn(st, store, node)) die(`storage '${store}' does not exist`);
      const bytes = parseSize(size, 'K');
      out(`successfully created '${allocVolume(st, store, vmid, name, bytes)}'\n`);
      return 0;
    }
    case 'free': {
      const { store, volname } = parseVolid(st, pos[0] ?? die('400 not enough arguments\npvesm free <volume> [OPTIONS]'));
      const m = /^(snippets|iso|import)\/(.+)$/.exec(volname);
      if (m) { const f = volumePath(st, pos[0]); if (!fs.existsSync(f)) die(`volume '${pos[0]}' does not exist`); fs.rmSync(f); return 0; }
      if (!st.volumes[store]?.[volname]) die(`no such logical volume pve/${volname}`);
      delete st.volumes[store][volname];
      if (['lvm', 'lvmthin'].includes(st.storages[store].type)) out(`  Logical volume "${volname}" successfully removed.\n`);
      return 0;
    }
    default:
      err(`ERROR: unknown command 'pvesm ${cmd ?? ''}'\nUSAGE: pvesm <COMMAND> [ARGS] [OPTIONS]\n`);
      return 255;
  }
}
