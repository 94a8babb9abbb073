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

/** How far a comparison is: documents compared so far on both sides, of about `total`. */
export interface VerifyProgress {
  readonly compared: number;
  /** Indexable rows plus the index's documents when it started: what `compared` reaches, give or take live changes. */
  readonly total: number;
}

export interface VerifyOptions {
  /** Handed each batch's discrepant ids as they are found (a sync repairs them). */
  readonly repair?: (ids: number[]) => Promise<void>;
  /** Called after each batch. */
  readonly onProgress?: (progress: VerifyProgress) => Promise<void>;
  /** Stops between batches (a cancelled job). */
  readonly signal?: AbortSignal;
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

  /** The alias on the cluster the gateway reaches. */
  async verifyOn(gateway: SearchGateway, alias: string, { repair, onProgress, signal }: VerifyOptions = {}): Promise<VerifyReport> {
    const definition = this.registry.byAlias(alias);
    await gateway.refresh(alias);
    const total = onProgress ? (await this.reader.countIndexable(definition)) + (await gateway.count(alias)) : 0;
    const missing = collector();
    const stale = collector();
    let sourceCount = 0;
    for (let afterId = 0; ; ) {
      signal?.throwIfAborted();
      const rows = await this.reader.readBatch(definition, afterId, BATCH);
      if (rows.length === 0) break;
      const versions = await gateway.getVersions(alias, rows.map((row) => String(row.id)));
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
      await onProgress?.({ compared: sourceCount, total });
    }
    const extra = collector();
    let indexCount = 0;
    for await (const page of gateway.scanVersions(alias, BATCH)) {
      signal?.throwIfAborted();
      indexCount += page.length;
      const ids = page.map((document) => Number(document.id));
      const indexable = new Set(indexableIds(definition, await this.reader.readByIds(definition, ids)));
      const found = ids.filter((id) => !indexable.has(id));
      found.forEach((id) => extra.add(id));
      if (repair && found.length > 0) await repair(found);
      await onProgress?.({ compared: sourceCount + indexCount, total });
    }
    return { alias, index: alias, sourceCount, indexCount, missing: missing.report(), stale: stale.report(), extra: extra.report() };
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
