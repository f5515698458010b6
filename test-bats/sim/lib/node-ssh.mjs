// @ts-check
// `ssh root@NODE` between cluster nodes, as PVE itself does it (SSHInfo.pm: `ssh -e none -o
// BatchMode=yes -o HostKeyAlias=NODE root@IP`; node keys are trusted cluster-wide through
// /etc/pve/priv/known_hosts). A small command set acts on that node's own files (see onNode).
import fs from 'node:fs';
import crypto from 'node:crypto';
import { onNode } from './host.mjs';
import { neighRows, neighText } from './tool-ip.mjs';

/** The node whose name or cluster IP is `dest`, or null. @param {any} st @param {string} dest */
export const nodeByAddr = (st, dest) => st.nodes.find((/** @type {any} */ n) => n.ip === dest || n.name === dest) ?? null;

/**
 * Runs `cmd` on `node` as root. Commands: true, mkdir -p P, cat > P (stdin), test -f|-s|-e P,
 * rm -f P..., mv [-f] A B, sha256sum P, hostname, ip neigh show [dev X] (that node's table),
 * joined with && || ;. `$$` is the remote shell's pid.
 * @param {any} st @param {string} node @param {string} cmd
 * @returns {{out: string, err: string, code: number}}
 */
export function runOnNode(st, node, cmd) {
  let outS = ''; let errS = ''; let code = 0;
  const parts = cmd.replace(/\$\$/g, String(process.pid)).split(/\s*(&&|;|\|\|)\s*/);
  const at = (/** @type {string} */ p) => onNode(st, node, p.replace(/^(['"])(.*)\1$/, '$2'));
  let op = ';';
  for (let i = 0; i < parts.length; i += 2) {
    if (i > 0) op = parts[i - 1];
    if ((op === '&&' && code !== 0) || (op === '||' && code === 0)) continue;
    const c = parts[i].trim();
    let m;
    if (c === '' || c === 'true' || c === ':') code = 0;
    else if ((m = /^mkdir -p (\S+)$/.exec(c))) { fs.mkdirSync(at(m[1]), { recursive: true }); code = 0; }
    else if ((m = /^cat > ?(\S+)$/.exec(c))) {
      let data = Buffer.alloc(0);
      try { data = fs.readFileSync(0); } catch { /* no stdin */ }
      try { fs.writeFileSync(at(m[1]), data); code = 0; } catch { errS += `bash: line 1: ${m[1]}: No such file or directory\n`; code = 1; }
    } else if ((m = /^test -([fse]) (\S+)$/.exec(c))) {
      const p = at(m[2]);
      code = fs.existsSync(p) && (m[1] !== 's' || fs.statSync(p).size > 0) && (m[1] !== 'f' || fs.statSync(p).isFile()) ? 0 : 1;
    } else if ((m = /^rm -f((?: \S+)+)$/.exec(c))) { for (const f of m[1].trim().split(/\s+/).filter((x) => x !== '--')) fs.rmSync(at(f), { force: true }); code = 0; }
    else if ((m = /^sha256sum (\S+)$/.exec(c))) {
      const p = at(m[1]);
      if (!fs.existsSync(p)) { errS += `sha256sum: ${m[1]}: No such file or directory\n`; code = 1; } else { outS += `${crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')}  ${m[1]}\n`; code = 0; }
    } else if ((m = /^mv (?:-f )?(?:-- )?(\S+) (\S+)$/.exec(c))) {
      try { fs.renameSync(at(m[1]), at(m[2])); code = 0; } catch { errS += `mv: cannot move '${m[1]}' to '${m[2]}': No such file or directory\n`; code = 1; }
    } else if ((m = /^ip (?:-4 )?neigh(?:bour|bor)? show(?: dev (\S+))?$/.exec(c))) { outS += neighText(neighRows(st, node, m[1]), m[1]); code = 0; }
    else if (c === 'hostname') { outS += `${node}\n`; code = 0; }
    else { errS += `bash: line 1: ${c.split(/\s+/)[0]}: command not found\n`; code = 127; }
  }
  return { out: outS, err: errS, code };
}
