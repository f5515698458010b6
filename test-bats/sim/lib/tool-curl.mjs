// @ts-check
// Fake `curl`: serves fixtures (data/images.json) and never opens a socket.
import fs from 'node:fs';
import path from 'node:path';
import { out, err } from './util.mjs';
import { serve, downloadRule } from './download.mjs';

const WITH_ARG = new Set(['o', 'w', 'C', 'm', 'H', 'A', 'u', 'X', 'd', 'e', 'r', 'x', 'T', 'K', 'E', 'Y', 'y', 'z']);
const LONG_ARG = new Set(['output', 'write-out', 'continue-at', 'max-time', 'header', 'user-agent', 'retry', 'retry-delay', 'retry-max-time', 'connect-timeout', 'data', 'request', 'proxy', 'cacert', 'limit-rate', 'speed-time', 'speed-limit', 'range', 'max-filesize', 'dns-servers', 'resolve', 'output-dir']);

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  /** @type {Record<string, string|boolean>} */
  const o = {};
  /** @type {string[]} */
  const urls = [];
  const a = ctx.args;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x.startsWith('--')) { const [k, v] = x.slice(2).split(/=(.*)/s); o[k] = LONG_ARG.has(k) ? (v ?? a[++i]) : true; continue; }
    if (x.startsWith('-') && x.length > 1) {
      for (let j = 1; j < x.length; j++) {
        const c = x[j];
        if (WITH_ARG.has(c)) { o[c] = x.slice(j + 1) || a[++i]; break; }
        o[c] = true;
      }
      continue;
    }
    urls.push(x);
  }
  const fail = !!(o.f || o.fail || o['fail-with-body']);
  const silent = !!(o.s || o.silent);
  const showErr = !!(o.S || o['show-error']) || !silent;
  const meter = !silent && !o['no-progress-meter']; // --no-progress-meter: curl >= 7.67
  const file = /** @type {string|undefined} */ (o.o ?? o.output ?? (o.O || o['remote-name'] ? path.basename(urls[0] ?? 'index.html') : undefined));
  const retries = Number(o.retry ?? 0);
  const url = urls[0];
  if (!url) { err('curl: no URL specified!\ncurl: try \'curl --help\' or \'curl --manual\' for more information\n'); return 2; }
  const e = (/** @type {number} */ code, /** @type {string} */ msg) => { if (showErr) err(`curl: (${code}) ${msg}\n`); return code; };
  for (let attempt = 0; ; attempt++) {
    const res = serve(ctx.st, url);
    if (res.resolve === false) return e(6, `Could not resolve host: ${res.host}`);
    const rule = downloadRule(ctx.st, url);
    let status = res.status ?? 200;
    let body = /** @type {Buffer} */ (res.body);
    let code = 0; let msg = '';
    if (rule?.mode === 'fail') { status = rule.http; body = Buffer.from(`<html><body><h1>${status}</h1></body></html>\n`); }
    if (rule?.mode === 'truncate' || rule?.mode === 'short') { const full = body.length; body = body.subarray(0, Math.floor(full / 2)); if (rule.mode === 'truncate') { code = 18; msg = `transfer closed with ${full - body.length} bytes remaining to read`; } }
    if (rule?.mode === 'corrupt') { body = Buffer.from(body); body[body.length - 1] ^= 0xff; }
    if (status >= 400 && fail) {
      if (attempt < retries && [408, 429, 500, 502, 503, 504].includes(status)) {
        if (!silent) err(`Warning: Problem : HTTP error. Will retry in 1 seconds. ${retries - attempt} retries left.\n`);
        continue;
      }
      return e(22, `The requested URL returned error: ${status}`);
    }
    if (file) {
      try { fs.writeFileSync(file, body); } catch { return e(23, `Failure writing output to destination, passed ${body.length} returned 0`); }
      if (o['#'] || o['progress-bar']) { if (meter) err(`${'#'.repeat(72)} 100.0%\n`); } else if (meter) err(`  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n100 ${body.length}  100 ${body.length}    0     0  10.0M      0 --:--:-- --:--:-- --:--:-- 10.0M\n`);
    } else out(body.toString('latin1'));
    if (o.w || o['write-out']) {
      const w = String(o.w ?? o['write-out']).replace(/\\n/g, '\n').replace(/%\{http_code\}|%\{response_code\}/g, String(status)).replace(/%\{size_download\}/g, String(body.length))
        .replace(/%\{url_effective\}/g, url).replace(/%\{filename_effective\}/g, file ?? '').replace(/%\{exitcode\}/g, String(code));
      out(w);
    }
    if (code) return e(code, msg);
    return 0;
  }
}
