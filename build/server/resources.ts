// Resources a client can read: the image catalog (from the bundle: OS keys, login users, image
// and checksum URLs, aliases), docs/CATALOG.md and docs/AGENT-GUIDE.md (beside dist/).
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Catalog } from './catalog.js';

export const CATALOG_URI = 'linus://catalog';
export const GUIDE_URI = 'linus://docs/AGENT-GUIDE.md';
export const CATALOG_DOC_URI = 'linus://docs/CATALOG.md';

/** A file of docs/ next to the bundle's dist/ directory, if it is there. */
function docFile(bundle: string, name: string): string | undefined {
  const p = join(dirname(bundle), '..', 'docs', name);
  return existsSync(p) ? p : undefined;
}

export function registerResources(server: McpServer, bundle: string, catalog: Catalog): void {
  server.registerResource('catalog', CATALOG_URI, {
    title: 'OS image catalog',
    description: 'The os values of provision_vm: per OS its login user, the vendor image URL and the checksum file ' +
      'it is verified against; aliases the script also accepts.',
    mimeType: 'application/json',
  }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'application/json', text: `${JSON.stringify(catalog, null, 2)}\n` }],
  }));
  const docs: Array<[string, string, string, string]> = [
    ['agent-guide', GUIDE_URI, 'AGENT-GUIDE.md',
      'How an agent provisions with linus-provision (both ways: this server and ssh-mcp)'],
    ['catalog-doc', CATALOG_DOC_URI, 'CATALOG.md', 'Where each catalog image, checksum format and user comes from'],
  ];
  for (const [name, uriText, file, description] of docs) {
    const path = docFile(bundle, file);
    if (path === undefined) continue;
    server.registerResource(name, uriText, { title: file, description, mimeType: 'text/markdown' }, async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/markdown', text: readFileSync(path, 'utf8') }],
    }));
  }
}
