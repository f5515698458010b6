// @ts-check
// What the fake curl/wget serve: generated vendor images and checksum files, 404s, unresolvable
// hosts, and injected download failures. Nothing here touches the network.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { makeImage } from './images.mjs';

/** @returns {any[]} all known images: the vendor catalog plus `pvesim image add` ones */
function catalog(st) {
  const base = JSON.parse(fs.readFileSync(new URL('../data/images.json', import.meta.url), 'utf8')).images;
  const extra = Object.entries(st.images ?? {}).map(([url, x]) => ({ url, sizeGiB: x.sizeGiB, user: x.user, os: 'custom', agent: x.agent, machineId: x.machineId ?? '', sums: x.checksumUrl, format: x.checksumFormat === 'sha512' ? 'gnu512' : x.checksumFormat === 'bsd' ? 'bsd256' : 'gnu256' }));
  return [...base, ...extra];
}

/** @param {any} st @param {any} img */
function imageBytes(st, img) {
  const name = img.url.split('/').pop();
  return makeImage({ name, virtualSize: Math.round(img.sizeGiB * 1024 ** 3), agent: st.imageAgent || img.agent ? 1 : 0, user: img.user, os: img.os, machineId: img.machineId });
}

/**
 * Resolves a URL: {status: 200|404|..., body} or {resolve: false} for an unknown host.
 * @param {any} st @param {string} url
 */
export function serve(st, url) {
  const imgs = catalog(st);
  const host = /^[a-z]+:\/\/([^/:]+)/i.exec(url)?.[1] ?? url;
  const hosts = new Set(imgs.flatMap((i) => [i.url, i.sums].filter(Boolean).map((u) => /^[a-z]+:\/\/([^/:]+)/i.exec(u)?.[1])));
  if (!hosts.has(host)) return { resolve: false, host };
  const img = imgs.find((i) => i.url === url);
  if (img) return { status: 200, body: imageBytes(st, img) };
  const listed = imgs.filter((i) => i.sums === url);
  if (listed.length) {
    const lines = listed.map((i) => {
      const body = imageBytes(st, i);
      const name = i.url.split('/').pop();
      const algo = i.format === 'gnu512' ? 'sha512' : 'sha256';
      const hex = crypto.createHash(algo).update(body).digest('hex');
      if (i.format === 'bsd256' || i.format === 'bsd256pgp') return `# ${name}: ${body.length} bytes\nSHA256 (${name}) = ${hex}`;
      return i.format === 'gnu256bin' ? `${hex} *${name}` : `${hex}  ${name}`;
    });
    // Fedora's CHECKSUM is PGP clear-signed (RFC 4880 §7): armour header, the lines, the signature
    if (listed[0].format === 'bsd256pgp') {
      const sig = crypto.createHash('sha512').update(lines.join('\n')).digest('base64');
      return { status: 200, body: Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${lines.join('\n')}\n-----BEGIN PGP SIGNATURE-----\n\n${sig}\n=pvsm\n-----END PGP SIGNATURE-----\n`) };
    }
    return { status: 200, body: Buffer.from(lines.join('\n') + '\n') };
  }
  return { status: 404, body: Buffer.from('<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n') };
}

/** The first `pvesim download` rule that applies to this attempt (counts the attempt). */
export function downloadRule(st, url) {
  for (const r of st.downloads ?? []) {
    if (!new RegExp(r.re).test(url)) continue;
    r.seen++;
    if (r.count === 0 || r.seen <= r.count) return r;
  }
  return null;
}

export const HTTP_TEXT = /** @type {Record<number, string>} */ ({ 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' });
