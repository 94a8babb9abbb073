import { Injectable } from '@nestjs/common';
import { IndexRegistry, type IndexDefinition } from '../../indices/index.js';
import { SourceReader } from '../../job-store/index.js';
import type { SearchGateway } from '../../opensearch/index.js';

const BATCH = 2000;
const LISTED = 100;

export interface Discrepancies {
  readonly total: number;
  /** The first ids found, at most 100. */
  readonly ids: number[];
}

export interface VerifyReport {
  readonly alias: string;
  readonly index: string;
  readonly sourceCount: number;
  readonly indexCount: number;
  /** Indexable rows with no document. */
  readonly missing: Discrepancies;
  /** Documents older than their row. */
  readonly stale: Discrepancies;
  /** Documents whose row is gone or no longer indexable. */
  readonly extra: Discrepancies;
}

/** What a sync found, and what it could not repair. */
export interface SyncReport extends VerifyReport {
  /** Indexable rows whose document is still missing after the sync (a delete tombstone keeps it out). */
  readonly unrepaired: Discrepancies & { readonly reason: string | null };
}

/**
 * Compares the source with an index, streaming both ways so memory does not grow
 * with the data: source rows in id batches against `_mget` versions (missing,
 * stale), then the index scrolled page by page against the source (extra).
 */
@Injectable()
export class IndexVerifier {
  constructor(
    private readonly registry: IndexRegistry,
    private readonly reader: SourceReader,
  ) {}

  /** On the cluster the gateway reaches. With `repair`, each batch's discrepant ids are handed over as they are found. */
  async verifyOn(gateway: SearchGateway, alias: string, index: string = alias, repair?: (ids: number[]) => Promise<void>): Promise<VerifyReport> {
    const definition = this.registry.byAlias(alias);
    await gateway.refresh(index);
    const missing = collector();
    const stale = collector();
    let sourceCount = 0;
    for (let afterId = 0; ; ) {
      const rows = await this.reader.readBatch(definition, afterId, BATCH);
      if (rows.length === 0) break;
      const versions = await gateway.getVersions(index, rows.map((row) => String(row.id)));
      const found: number[] = [];
      for (const row of rows) {
        const document = definition.toDocument(row);
        if (!document) continue;
        sourceCount++;
        const stored = versions.get(document.id);
        if (stored === undefined) missing.add(row.id);
        else if (stored < document.version) stale.add(row.id);
        else continue;
        found.push(row.id);
      }
      if (repair && found.length > 0) await repair(found);
      afterId = rows[rows.length - 1].id;
    }
    const extra = collector();
    let indexCount = 0;
    for await (const page of gateway.scanVersions(index, BATCH)) {
      indexCount += page.length;
      const ids = page.map((document) => Number(document.id));
      const indexable = new Set(indexableIds(definition, await this.reader.readByIds(definition, ids)));
      const found = ids.filter((id) => !indexable.has(id));
      found.forEach((id) => extra.add(id));
      if (repair && found.length > 0) await repair(found);
    }
    return { alias, index, sourceCount, indexCount, missing: missing.report(), stale: stale.report(), extra: extra.report() };
  }
}

function indexableIds(definition: IndexDefinition, rows: readonly { id: number }[]): number[] {
  return rows.filter((row) => definition.toDocument(row) !== null).map((row) => row.id);
}

/** Counts ids and keeps the first 100 of them. */
export function collector() {
  let total = 0;
  const ids: number[] = [];
  return {
    add(id: number) {
      total++;
      if (ids.length < LISTED) ids.push(id);
    },
    report: (): Discrepancies => ({ total, ids }),
  };
}
