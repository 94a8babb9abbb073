import { Injectable } from '@nestjs/common';
import type { IndexDefinition } from '../../indices/index.js';
import { SourceReader } from '../../job-store/index.js';
import type { SearchGateway } from '../../opensearch/index.js';

/** Rows read, and document versions asked for, per round trip. */
const BATCH = 5000;
/** Discrepant ids kept per kind; past it the copy is broken beyond anything live traffic explains. */
const KEPT = 10_000;

export interface CopyDifferences {
  /** Indexable rows compared. */
  readonly indexable: number;
  /** Documents in the index. */
  readonly indexed: number;
  /** Indexable rows without a document. */
  readonly missing: number[];
  /** Documents older than their row. */
  readonly stale: number[];
  /** Documents whose row is gone or not indexable. */
  readonly extra: number[];
  /** More than KEPT of one kind: the lists hold the first ones only. */
  readonly truncated: boolean;
}

/**
 * Compares every document of an index with the source by id and version, exactly: each indexable
 * row (its `versions` query: no document columns) against `_mget` versions in batches, the next
 * batch read and its versions asked for while the current one is compared. The index is scanned for documents with no
 * indexable row only when its count says there are some: found + stale + extra = count.
 */
@Injectable()
export class CopyComparison {
  constructor(private readonly reader: SourceReader) {}

  async compare(gateway: SearchGateway, definition: IndexDefinition, index: string, signal: AbortSignal): Promise<CopyDifferences> {
    const missing: number[] = [];
    const stale: number[] = [];
    let indexable = 0;
    let present = 0;
    // A batch's rows, and its documents' versions asked for at once: the next batch is read and asked
    // for while this one is compared, so MySQL, OpenSearch and the comparison overlap.
    // Each is awaited in its turn; until then (and after a failure) a rejection must not go unhandled.
    const settled = <T>(promise: Promise<T>): Promise<T> => {
      promise.catch(() => undefined);
      return promise;
    };
    const batchAfter = (afterId: number) =>
      settled(
        this.reader.readVersions(definition, afterId, BATCH).then((rows) => ({
          rows,
          stored: settled(rows.length === 0 ? Promise.resolve(new Map<string, number>()) : gateway.getVersions(index, rows.map((row) => String(row.id)))),
        })),
      );
    for (let next = batchAfter(0); ; ) {
      signal.throwIfAborted();
      const { rows, stored: versions } = await next;
      if (rows.length === 0) break;
      next = batchAfter(rows[rows.length - 1].id);
      const stored = await versions;
      for (const row of rows) {
        indexable++;
        const version = stored.get(String(row.id));
        if (version === undefined) keep(missing, row.id);
        else {
          present++;
          if (version < row.version) keep(stale, row.id);
        }
      }
    }
    await gateway.refresh(index);
    const indexed = await gateway.count(index);
    const extra = indexed > present ? await this.documentsWithoutRow(gateway, definition, index, indexed - present, signal) : [];
    const truncated = [missing, stale, extra].some((ids) => ids.length >= KEPT);
    return { indexable, indexed, missing, stale, extra, truncated };
  }

  /** Scans the index until `expected` documents without an indexable row are found (or it ends). */
  private async documentsWithoutRow(gateway: SearchGateway, definition: IndexDefinition, index: string, expected: number, signal: AbortSignal): Promise<number[]> {
    const extra: number[] = [];
    for await (const page of gateway.scanVersions(index, BATCH)) {
      signal.throwIfAborted();
      const ids = page.map((document) => Number(document.id));
      const rows = await this.reader.readByIds(definition, ids);
      const indexable = new Set(rows.filter((row) => definition.toDocument(row) !== null).map((row) => row.id));
      for (const id of ids) if (!indexable.has(id)) keep(extra, id);
      if (extra.length >= Math.min(expected, KEPT)) break;
    }
    return extra;
  }
}

function keep(ids: number[], id: number): void {
  if (ids.length < KEPT) ids.push(id);
}
