import { Injectable } from '@nestjs/common';
import type { IndexDefinition } from '../indices/index-definition.js';
import { JobStore } from '../job-store/job-store.js';
import { SourceReader } from '../job-store/source-reader.js';
import { SearchGateway } from '../opensearch/search-gateway.js';
import { operationsForRequestedIds } from './document-operations.js';
import { writeTargets } from './dual-write.js';
import type { PhaseContext } from './phases/phase.js';
import { ReindexErrorCode, ReindexException } from './reindex.exception.js';

const CHUNK = 500;

/** A PARTIAL job: the given rows, re-read and written into the live index and any index being built. */
@Injectable()
export class PartialWriter {
  constructor(
    private readonly store: JobStore,
    private readonly gateway: SearchGateway,
    private readonly reader: SourceReader,
  ) {}

  async run({ job, definition, signal }: PhaseContext): Promise<string> {
    if ((await this.gateway.getAliasTargets(job.alias)).length === 0) {
      throw new ReindexException(ReindexErrorCode.NO_LIVE_INDEX, `alias ${job.alias} has no index yet; run a full reindex first`, true);
    }
    const ids = job.recordIds ?? [];
    for (let start = 0; start < ids.length; start += CHUNK) {
      signal.throwIfAborted();
      // Looked up per chunk: a rebuild may start or reach its swap while this job runs.
      const targets = writeTargets(job.alias, await this.store.findActiveFullJob(job.alias));
      await this.writeChunk(definition, ids.slice(start, start + CHUNK), targets);
    }
    return `wrote ${ids.length} records`;
  }

  /** Ids without a row are deleted only where a document holds them, at its own version (see operationsForRequestedIds). */
  private async writeChunk(definition: IndexDefinition, ids: readonly number[], targets: readonly string[]): Promise<void> {
    const rows = await this.reader.readByIds(definition, ids);
    const found = new Set(rows.map((row) => row.id));
    const withoutRow = ids.filter((id) => !found.has(id)).map(String);
    for (const target of targets) {
      const operations = operationsForRequestedIds(definition, ids, rows, await this.gateway.getVersions(target, withoutRow));
      if (operations.length === 0) continue;
      const result = await this.gateway.bulk(target, operations);
      if (result.failures.length > 0) {
        throw new ReindexException(ReindexErrorCode.BULK_REJECTED, `${result.failures.length} writes to ${target} rejected, first: ${result.failures[0].reason}`);
      }
    }
  }
}
