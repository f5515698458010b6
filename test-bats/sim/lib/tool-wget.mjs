// @ts-check
// Fake `wget`: the same fixtures as the fake curl, wget's messages and exit codes. Verbosity as
// wget 1.21 (Debian 11 / PVE 7.4): default = request lines, a dot progress meter and the saved
// line; --no-verbose (-nv) = one `DATE URL:url [n/n] -> "file" [1]` line, errors after `url:`;
// -q = nothing.
import fs from 'node:fs';
import path from 'node:path';
import { out, err } from './util.mjs';
import { serve, downloadRule, HTTP_TEXT } from './download.mjs';

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const a = ctx.args;
  let quiet = false; let nv = false; let file; let tries = 20; let spider = false;
  /** @type {string[]} */
  const urls = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x === '-q' || x === '--quiet') quiet = true;
    else if (x === '-nv' || x === '--no-verbose') nv = true;
    else if (x === '-O' || x === '--output-document') file = a[++i];
    else if (x.startsWith('-O') && x.length > 2) file = x.slice(2);
    else if (x.startsWith('--output-document=')) file = x.split('=')[1];
    else if (x === '-t') tries = Number(a[++i]);
    else if (x.startsWith('--tries=')) tries = Number(x.split('=')[1]);
    else if (x === '--spider') spider = true;
    else if (['-T', '-P', '-U', '--header', '--user-agent'].includes(x)) i++;
    else if (!x.startsWith('-')) urls.push(x);
  }
  const url = urls[0];
  if (!url) { err('wget: missing URL\n'); return 1; }
  const log = (/** @type {string} */ s) => { if (!quiet) err(s); };
  const stamp = () => new Date().toISOString().replace('T', ' ').slice(0, 19);
  const dest = file ?? path.basename(new URL(url).pathname) ?? 'index.html';
  for (let attempt = 1; ; attempt++) {
    const res = serve(ctx.st, url);
    if (res.resolve === false) { log(`wget: unable to resolve host address '${res.host}'\n`); return 4; }
    const rule = downloadRule(ctx.st, url);
    let status = res.status ?? 200; let body = /** @type {Buffer} */ (res.body);
    if (rule?.mode === 'fail') status = rule.http;
    if (status >= 400) {
      if (attempt < tries && status >= 500) continue;
      log(`${nv ? `${url}:\n` : ''}${stamp()} ERROR ${status}: ${HTTP_TEXT[status] ?? 'Error'}.\n`);
      return 8;
    }
    if (spider) return 0;
    let code = 0;
    if (rule?.mode === 'truncate' || rule?.mode === 'short') { body = body.subarray(0, Math.floor(body.length / 2)); if (rule.mode === 'truncate') code = 4; }
    if (rule?.mode === 'corrupt') { body = Buffer.from(body); body[body.length - 1] ^= 0xff; }
    if (dest === '-') out(body.toString('latin1')); else fs.writeFileSync(dest, body);
    if (code) { log(`Read error at byte ${body.length} (Connection reset by peer).Giving up.\n\n`); return code; }
    if (nv) log(`${stamp()} URL:${url} [${body.length}/${body.length}] -> "${dest}" [1]\n`);
    else log(`--${stamp()}--  ${url}\nHTTP request sent, awaiting response... 200 OK\nLength: ${body.length}\nSaving to: '${dest}'\n\n     0K .......... .......... .......... .......... .......... 100% 10.0M=0s\n\n${stamp()} (10.0 MB/s) - '${dest}' saved [${body.length}/${body.length}]\n\n`);
    return 0;
  }
}
