// The image catalog as the bundle itself holds it (lib-sh/catalog.sh, inlined): the OS keys for
// the `os` enum, and per key the login user, the image URL and its checksum file, for the
// catalog resource. Read by sourcing the bundle without its last line (the bundle is function
// definitions until that one call) in a local bash; nothing runs on the host.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

export interface CatalogEntry {
  os: string;
  user: string;
  image_url: string;
  checksum_url: string;
  /** The x86-64 level the OS needs beyond the default CPU type ('' none). */
  cpu_level: string;
}

export interface Catalog {
  entries: CatalogEntry[];
  /** alias -> key */
  aliases: Record<string, string>;
}

const PROGRAM = [
  'source <(sed \'$d\' "$1")',
  'set +Eeu',
  'declare -gA IMG=()',
  'for k in $(img_catalog_keys); do IMG=(); img_catalog "$k" || exit 3;',
  '  printf "K\\t%s\\t%s\\t%s\\t%s\\t%s\\n" "$k" "${IMG[default_user]}" "${IMG[url]}" "${IMG[sums_url]}" \\',
  '    "${IMG[cpu_level]}"; done',
  'img_catalog_aliases | while read -r a k; do printf "A\\t%s\\t%s\\n" "$a" "$k"; done',
].join('\n');

/** Throws when the bundle has no catalog (not a linus-provision bundle). */
export function readCatalog(bundle: string): Catalog {
  if (!readFileSync(bundle, 'utf8').includes('\nimg_catalog_keys()')) {
    throw new Error(`${bundle} holds no image catalog`);
  }
  // the last line is the one call (sed '$d' leaves it out)
  const r = spawnSync('bash', ['-c', PROGRAM, 'linus-catalog', bundle], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: tmpdir() },
    timeout: 30_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  const entries: CatalogEntry[] = [];
  const aliases: Record<string, string> = {};
  for (const line of `${r.stdout ?? ''}`.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'K' && f.length === 6) {
      entries.push({ os: f[1], user: f[2], image_url: f[3], checksum_url: f[4], cpu_level: f[5] });
    }
    if (f[0] === 'A' && f.length === 3) aliases[f[1]] = f[2];
  }
  if (r.status !== 0 || entries.length === 0) {
    const why = `${r.stderr ?? ''}`.trim().split('\n').slice(-1)[0] ?? '';
    throw new Error(`cannot read the image catalog of ${bundle} (exit ${r.status ?? 'none'}): ${why}`);
  }
  return { entries, aliases };
}
