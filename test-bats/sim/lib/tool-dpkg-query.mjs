// @ts-check
// Fake `dpkg-query -W [-f FORMAT] PACKAGE...` for the PVE packages: a PVE host is a Debian system,
// and `dpkg-query -W -f '${Version}' pve-manager` gives the installed pve-manager version (the
// number that `pveversion` prints as pve-manager/VERSION/...), without a Proxmox call;
// libpve-common-perl: the version of that release (bridges.mjs).
import { out, err } from './util.mjs';
import { fullVersion } from './api.mjs';
import { pveCommonVersion } from './bridges.mjs';

/** @param {{st: any, args: string[]}} ctx */
export async function run(ctx) {
  const a = [...ctx.args];
  let fmt = '${Package}\t${Version}\n';
  const pkgs = [];
  let show = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x === '-W' || x === '--show') show = true;
    else if (x === '-f' || x === '--showformat') fmt = a[++i] ?? '';
    else if (x.startsWith('--showformat=')) fmt = x.slice(13);
    else if (x.startsWith('-f') && x.length > 2) fmt = x.slice(2);
    else pkgs.push(x);
  }
  if (!show) { err('dpkg-query: need an action option\n'); return 2; }
  const v = fullVersion(ctx.st.version);
  const known = /** @type {Record<string, string>} */ ({ 'pve-manager': v, 'proxmox-ve': v, 'libpve-common-perl': pveCommonVersion(ctx.st.version) });
  let rc = 0;
  for (const p of pkgs) {
    if (!known[p]) { err(`dpkg-query: no packages found matching ${p}\n`); rc = 1; continue; }
    out(fmt.replaceAll('${Package}', p).replaceAll('${Version}', known[p]).replaceAll('\\n', '\n').replaceAll('\\t', '\t'));
  }
  return rc;
}
