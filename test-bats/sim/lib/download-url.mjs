// @ts-check
// POST /nodes/{node}/storage/{storage}/download-url (pve-storage API2/Storage/Status.pm
// `download_url`, pve-common Tools.pm `download_file_from_url`): the node fetches a URL into its
// own iso/ or import/ directory, verifying an optional checksum. Served from the fake catalog.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { die, out } from './util.mjs';
import { formatErrors } from './schema.mjs';
import { storageOn, isPathStorage, storageDir, onNode } from './host.mjs';
import { serve, downloadRule } from './download.mjs';
import { imageInfo } from './images.mjs';

/**
 * Checks done before the worker (they fail the call), and the worker itself.
 * @param {{st: any}} ctx @param {string} node @param {string} storage @param {Record<string, string>} q
 */
export function downloadUrl(ctx, node, storage, q) {
  const st = ctx.st;
  const s = storageOn(st, storage, node);
  if (!st.storages[storage]) die(`storage '${storage}' does not exist`);
  if (!s) die(`storage '${storage}' is not available on node '${node}'`);
  if (!isPathStorage(s.type)) die(`can't upload to storage type '${s.type}', not a file based storage!`);
  const content = q.content;
  if (!s.content.includes(content)) die(`storage '${storage}' is not configured for content-type '${content}'`);
  const filename = q.filename.replace(/[^\w\-.]/g, '_'); // normalize_content_filename (roughly)
  /** @type {string} */
  let sub;
  if (content === 'iso') {
    if (!/[^/]+\.(iso|img)$/i.test(filename)) die(formatErrors({ filename: 'wrong file extension' }, ''));
    sub = 'template/iso';
  } else if (content === 'import') {
    if (!/^[\w\-.+=]+\.(ova|ovf|qcow2|raw|vmdk)$/.test(filename)) die(formatErrors({ filename: 'invalid filename or wrong extension' }, ''));
    sub = 'import';
  } else if (content === 'vztmpl') {
    sub = 'template/cache';
  } else die(formatErrors({ content: `upload content-type '${content}' is not allowed` }, ''));
  const dest = onNode(st, node, path.join(storageDir(storage), sub, filename));
  const shownDest = path.join(storageDir(storage), sub, filename); // the path as `pvesm path` shows it
  const algo = q['checksum-algorithm'];
  const want = q.checksum;
  return {
    run() {
      out(`downloading ${q.url} to ${shownDest}\n`);
      const hash = (/** @type {Buffer} */ b) => crypto.createHash(/** @type {string} */ (algo)).update(b).digest('hex');
      if (fs.existsSync(dest)) {
        if (!algo) die(`refusing to override existing file '${shownDest}'`);
        out('calculating checksum of existing file...');
        const got = hash(fs.readFileSync(dest));
        if (got.toLowerCase() === String(want).toLowerCase()) { out('OK, got correct file already, no need to download\n'); return; }
        out('\n');
        die(`checksum mismatch: got '${got}' != expect '${want}', aborting`);
      }
      const res = serve(ctx.st, q.url);
      if (res.resolve === false) die(`download failed: wget: unable to resolve host address '${res.host}'`);
      const rule = downloadRule(ctx.st, q.url);
      let body = /** @type {Buffer} */ (res.body);
      if ((res.status ?? 200) >= 400 || rule?.mode === 'fail') die(`download failed: command 'wget --progress=dot:giga -O ${shownDest}.tmp_dwnl.${process.pid} ${q.url}' failed: exit code 8`);
      if (rule?.mode === 'truncate' || rule?.mode === 'short') body = body.subarray(0, Math.floor(body.length / 2));
      if (rule?.mode === 'corrupt') { body = Buffer.from(body); body[body.length - 1] ^= 0xff; }
      if (algo) {
        out('calculating checksum...');
        const got = hash(body);
        if (got.toLowerCase() !== String(want).toLowerCase()) { out('\n'); die(`checksum mismatch: got '${got}' != expect '${want}'`); }
        out('OK, checksum verified\n');
      }
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, body);
      if (content === 'import' && !imageInfo(dest)) die('failed to verify file: unable to read image');
      out(`download of '${q.url}' to '${shownDest}' finished\n`);
    },
  };
}
