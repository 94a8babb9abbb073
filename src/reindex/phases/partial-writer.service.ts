import { Injectable } from '@nestjs/common';
import { AliasRouting, bulkOrThrow, MigrationMirror, operationsForRequestedIds, writeTargets, type MirrorTarget } from '../../indexing/index.js';
import type { IndexDefinition } from '../../indices/index.js';
import { JobStore, SourceReader } from '../../job-store/index.js';
import type { SearchGateway } from '../../opensearch/index.js';
import { ReindexErrorCode, ReindexException } from '../reindex.exception.js';
import type { PhaseContext } from './phase.js';

const CHUNK = 500;

/**
 * A PARTIAL job: the given rows, re-read and written into the live index and any index being
 * built. After each chunk its progress is saved under the claim (cursor and docsProcessed: ids
 * done, docsTotal: ids asked for), so the job shows it and a retried or taken-over attempt goes
 * on after the last chunk written.
 */
@Injectable()
export class PartialWriter {
  constructor(
    private readonly store: JobStore,
    private readonly routing: AliasRouting,
    private readonly reader: SourceReader,
    private readonly mirror: MigrationMirror,
  ) {}

  async run({ job, definition, leaseToken, signal }: PhaseContext): Promise<string> {
    if ((await (await this.routing.gatewayOf(job.alias)).getAliasTargets(job.alias)).length === 0) {
      throw new ReindexException(ReindexErrorCode.NO_LIVE_INDEX, `alias ${job.alias} has no index yet; run a full reindex first`, true);
    }
    const ids = job.recordIds ?? [];
    const written = { indexed: 0, deleted: 0, untouched: 0 };
    for (let start = Math.min(job.cursor, ids.length); start < ids.length; start += CHUNK) {
      signal.throwIfAborted();
      // Looked up per chunk: a rebuild may start or reach its swap, or a migration its cutover, while this job runs.
      const route = await this.routing.routeOf(job.alias);
      const targets = writeTargets(job.alias, route.buildingHere);
      const chunk = ids.slice(start, start + CHUNK);
      const outcome = await this.writeChunk(route.gateway, definition, job.definitionHash, chunk, targets, await this.mirror.targetFor(route.migration, route.activeJob));
      written.indexed += outcome.indexed;
      written.deleted += outcome.deleted;
      written.untouched += outcome.untouched;
      const done = start + chunk.length;
      await this.store.saveProgress(job.id, leaseToken, { cursor: done, docsProcessed: done, docsTotal: ids.length });
    }
    const resumed = job.cursor > 0 ? ` (resumed after ${Math.min(job.cursor, ids.length)} ids)` : '';
    return `${ids.length} ids: ${written.indexed} documents indexed, ${written.deleted} deleted, ${written.untouched} ids with neither row nor document${resumed}`;
  }

  /**
   * Ids without a row are deleted only where a document holds them, at its own version (see
   * operationsForRequestedIds). Counts what the live alias (the first target) got.
   */
  private async writeChunk(
    gateway: SearchGateway,
    definition: IndexDefinition,
    definitionHash: string,
    ids: readonly number[],
    targets: readonly string[],
    mirrored: MirrorTarget | null,
  ): Promise<{ indexed: number; deleted: number; untouched: number }> {
    const rows = await this.reader.readByIds(definition, ids);
    const found = new Set(rows.map((row) => row.id));
    const withoutRow = ids.filter((id) => !found.has(id)).map(String);
    let live = { indexed: 0, deleted: 0, untouched: 0 };
    for (const target of targets) {
      const operations = operationsForRequestedIds(definition, ids, rows, await gateway.getVersions(target, withoutRow));
      if (target === targets[0]) {
        const indexed = operations.filter((operation) => operation.action === 'index').length;
        live = { indexed, deleted: operations.length - indexed, untouched: ids.length - operations.length };
      }
      if (operations.length === 0) continue;
      await bulkOrThrow(gateway, target, operations);
    }
    if (mirrored) await this.writeMirror(mirrored, definition, definitionHash, ids, rows, withoutRow);
    return live;
  }

  /** The same ids on the next cluster while the alias migrates; what it refuses is journaled there, as for a live change. */
  private async writeMirror(mirrored: MirrorTarget, definition: IndexDefinition, definitionHash: string, ids: readonly number[], rows: Parameters<typeof operationsForRequestedIds>[2], withoutRow: readonly string[]): Promise<void> {
    let stored: Map<string, number>;
    try {
      stored = await (await this.mirror.gatewayOf(mirrored)).getVersions(mirrored.index, withoutRow);
    } catch (error) {
      await this.mirror.journal(mirrored, definition, definitionHash, ids.map(String), (error as Error).message);
      return;
    }
    await this.mirror.write(mirrored, definition, definitionHash, operationsForRequestedIds(definition, ids, rows, stored));
  }
}
