import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A valid definition of a `products` table (id, version, name, updated_at): the base the bad ones break. */
export const PRODUCTS_YAML = `alias: products
mappings:
  dynamic: strict
  properties:
    name: { type: text }
source:
  select: SELECT id, version, 1 AS indexable, name, updated_at FROM products
  updatedAt: updated_at
document:
  name: name
touches:
  product: SELECT :id AS id
`;

/** Temporary folders of definition files, removed by `removeAll`. */
export class DefinitionFolders {
  private readonly folders: string[] = [];

  /** A new folder holding `files` (name → content). */
  create(files: Readonly<Record<string, string>>): string {
    const folder = mkdtempSync(join(tmpdir(), 'reindexer-definitions-'));
    this.folders.push(folder);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
    return folder;
  }

  removeAll(): void {
    for (const folder of this.folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  }
}
