// @ts-check
// Fake `qemu-img info [--output=json] FILE` reading fixture headers (or real qcow2/raw sizes).
import path from 'node:path';
import { die, out, renderBytes } from './util.mjs';
import { imageInfo } from './images.mjs';

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const [cmd, ...a] = ctx.args;
  if (cmd !== 'info') die(`qemu-img: the simulator only implements 'info' (got '${cmd ?? ''}')`, 1);
  const json = a.some((x, i) => x === '--output=json' || (x === '--output' && a[i + 1] === 'json'));
  const file = a.filter((x, i) => !x.startsWith('-') && a[i - 1] !== '--output' && a[i - 1] !== '-f').pop();
  if (!file) die("qemu-img: Expecting one image file name", 1);
  const info = imageInfo(file);
  if (!info) die(`qemu-img: Could not open '${file}': Could not open '${file}': No such file or directory`, 1);
  const i = /** @type {NonNullable<typeof info>} */ (info);
  if (json) {
    /** @type {any} */
    const r = { 'virtual-size': i.virtualSize, filename: file, format: i.format, 'actual-size': i.actualSize, 'dirty-flag': false };
    if (i.format === 'qcow2') Object.assign(r, { 'cluster-size': 65536, 'format-specific': { type: 'qcow2', data: { compat: '1.1', 'compression-type': 'zlib', 'lazy-refcounts': false, 'refcount-bits': 16, corrupt: false, 'extended-l2': false } } });
    out(JSON.stringify(r, null, 4) + '\n');
    return 0;
  }
  out(`image: ${file}\nfile format: ${i.format}\nvirtual size: ${renderBytes(i.virtualSize).replace('.0 ', ' ')} (${i.virtualSize} bytes)\ndisk size: ${renderBytes(i.actualSize)}\n`);
  if (i.format === 'qcow2') out(`cluster_size: 65536\nFormat specific information:\n    compat: 1.1\n    compression type: zlib\n    lazy refcounts: false\n    refcount bits: 16\n    corrupt: false\n    extended l2: false\nChild node '/file':\n    filename: ${path.resolve(file)}\n    protocol type: file\n    file length: ${renderBytes(i.actualSize)} (${i.actualSize} bytes)\n    disk size: ${renderBytes(i.actualSize)}\n`);
  return 0;
}
