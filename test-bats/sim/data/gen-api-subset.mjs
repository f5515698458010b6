#!/usr/bin/env node
// @ts-check
// Regenerates data/api-subset.json from Proxmox's published API schema (pve-docs apidata.js,
// as kept in ../shared/reference/pve-api/pve-api-schema.json). Keeps, for the paths the
// simulator serves, only the methods' parameters (descriptions dropped) so that option
// checking follows the real schema.
// Usage: node test-bats/sim/data/gen-api-subset.mjs [SCHEMA.json] > test-bats/sim/data/api-subset.json
import fs from 'node:fs';

const src = process.argv[2] ?? '/work/shared/reference/pve-api/pve-api-schema.json';
const PATHS = [
  '/cluster/nextid', '/cluster/resources', '/cluster/status', '/nodes', '/nodes/{node}/status',
  '/nodes/{node}/qemu', '/nodes/{node}/qemu/{vmid}', '/nodes/{node}/qemu/{vmid}/config',
  '/nodes/{node}/qemu/{vmid}/resize', '/nodes/{node}/qemu/{vmid}/status/current',
  '/nodes/{node}/qemu/{vmid}/status/start', '/nodes/{node}/qemu/{vmid}/status/stop',
  '/nodes/{node}/qemu/{vmid}/status/shutdown', '/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces',
  '/nodes/{node}/qemu/{vmid}/unlink', '/nodes/{node}/storage', '/nodes/{node}/storage/{storage}/status',
  '/nodes/{node}/storage/{storage}/content', '/nodes/{node}/network', '/nodes/{node}/lxc',
  '/nodes/{node}/qemu/{vmid}/clone', '/nodes/{node}/qemu/{vmid}/template', '/nodes/{node}/storage/{storage}/download-url',
  '/storage', '/storage/{storage}', '/version',
  '/nodes/{node}/qemu/{vmid}/status/reboot', '/nodes/{node}/qemu/{vmid}/snapshot',
  '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback',
];

/** @param {any} v @returns {any} */
function strip(v) {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object') {
    /** @type {Record<string, any>} */
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (['description', 'verbose_description', 'typetext', 'format_description', 'returns', 'permissions'].includes(k)) continue;
      out[k] = strip(x);
    }
    return out;
  }
  return v;
}

const schema = JSON.parse(fs.readFileSync(src, 'utf8'));
/** @type {Record<string, any>} */
const paths = {};
/** @param {any[]} nodes */
function walk(nodes) {
  for (const n of nodes) {
    if (PATHS.includes(n.path)) {
      /** @type {Record<string, any>} */
      const methods = {};
      for (const [m, info] of Object.entries(n.info ?? {})) {
        methods[m] = { name: info.name, parameters: strip(info.parameters ?? {}) };
      }
      paths[n.path] = methods;
    }
    if (n.children) walk(n.children);
  }
}
walk(schema);
const missing = PATHS.filter((p) => !paths[p]);
if (missing.length) { process.stderr.write(`missing in schema: ${missing.join(' ')}\n`); process.exit(1); }
process.stdout.write(JSON.stringify({ _source: 'proxmox/pve-docs api-viewer/apidata.js @ a8736b6d (PVE 9.1.x)', paths }, null, 1) + '\n');
