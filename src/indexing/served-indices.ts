import type { BulkOperation, IndexMeta, SearchGateway } from '../opensearch/index.js';

/** Why a change was journaled rather than written: the index takes another definition's documents. */
export const OTHER_DEFINITION = 'changed on a replica of another definition';

/** Definition hash and top-level fields of physical indices seen (per cluster); an index name is never reused, so they never change. */
const SHAPES_REMEMBERED = 256;
/**
 * How long the index an alias serves is taken as known. Only a job's swap moves an alias, and
 * while a job can swap (MAY_SWAP, write-window.ts) every write reads the alias again after writing.
 */
const ALIAS_TARGET_TTL_MS = 1000;

export interface IndexShape {
  readonly definitionHash: string | null;
  readonly fields: ReadonlySet<string> | null;
}

/** A cluster, named for the caches. */
export interface ClusterHandle {
  readonly gateway: SearchGateway;
  readonly key: string;
}

/** What the live writes need to know of the index an alias serves on a cluster: which one, and its shape. */
export class ServedIndices {
  private readonly shapes = new Map<string, IndexShape>();
  private readonly aliasTargets = new Map<string, { index: string | undefined; readAt: number }>();

  /** The index the alias serves, read again when asked, when the last read is older than the TTL, or when there was none. */
  async servedBy(cluster: ClusterHandle, alias: string, fresh: boolean): Promise<string | undefined> {
    const key = `${cluster.key}/${alias}`;
    const known = this.aliasTargets.get(key);
    if (!fresh && known && Date.now() - known.readAt < ALIAS_TARGET_TTL_MS) return known.index;
    const [index] = await cluster.gateway.getAliasTargets(alias);
    // "No alias" is never remembered: it drops the write, and an alias's first swap creates it at any moment.
    if (index) this.aliasTargets.set(key, { index, readAt: Date.now() });
    else this.aliasTargets.delete(key);
    return index;
  }

  async shapeOf(cluster: ClusterHandle, index: string): Promise<IndexShape> {
    const key = `${cluster.key}/${index}`;
    let shape = this.shapes.get(key);
    if (!shape) {
      const meta = await cluster.gateway.getIndexMeta(index);
      shape = { definitionHash: meta.definitionHash, fields: topLevelFields(meta) };
      if (this.shapes.size >= SHAPES_REMEMBERED) this.shapes.delete(this.shapes.keys().next().value!);
      this.shapes.set(key, shape);
    }
    return shape;
  }
}

/** The top-level fields of an index's mapping; null when it names none. */
export function topLevelFields(meta: IndexMeta): ReadonlySet<string> | null {
  const properties = meta.mappings.properties;
  return properties && typeof properties === 'object' ? new Set(Object.keys(properties)) : null;
}

/** Documents cut to the top-level fields an older mapping has: what it can take of a newer definition's document. */
export function onlyFields(operations: readonly BulkOperation[], fields: ReadonlySet<string> | null): readonly BulkOperation[] {
  if (!fields) return operations;
  return operations.map((operation) =>
    operation.action === 'index' ? { ...operation, document: Object.fromEntries(Object.entries(operation.document).filter(([field]) => fields.has(field))) } : operation,
  );
}
