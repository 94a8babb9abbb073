import { Injectable } from '@nestjs/common';
import { BoundedPool } from '../../common/bounded-pool.js';
import { AppConfig } from '../../config/app-config.js';
import { SourceReader } from '../../job-store/source-reader.js';
import { SearchGateway } from '../../opensearch/search-gateway.js';
import { DocumentSync } from '../document-sync.service.js';
import { Phase, type PhaseContext } from './phase.js';

/** Rows changed within this margin before the job started are replayed too (clock skew, in-flight commits). */
const SINCE_MARGIN_MS = 60_000;

/**
 * Closes every race the dual-write could lose: re-reads each row changed since
 * the job started and each change the journal holds, and upserts or deletes it in
 * the target from MySQL's current state.
 */
@Injectable()
export class CatchUpPhase extends Phase {
  readonly name = 'CATCH_UP' as const;

  constructor(
    private readonly reader: SourceReader,
    private readonly gateway: SearchGateway,
    private readonly sync: DocumentSync,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async run({ job, definition, signal }: PhaseContext): Promise<string> {
    const target = job.targetIndex!;
    const since = new Date((job.startedAt ?? job.createdAt).getTime() - SINCE_MARGIN_MS);
    // Pages are independent (every write is versioned), so they overlap like backfill batches.
    const pool = new BoundedPool(this.config.reindex.bulkConcurrency);
    let replayed = 0;
    for (let afterId = 0; ; ) {
      signal.throwIfAborted();
      const ids = await this.reader.changedSince(definition, since, afterId, this.config.reindex.batchSize);
      if (ids.length === 0) break;
      await pool.run(() => this.sync.syncIds(definition, ids, [target]));
      replayed += ids.length;
      afterId = ids[ids.length - 1];
    }
    await pool.drain();
    const journaled = await this.sync.replayJournal(job.id, definition, target, signal);
    await this.gateway.refresh(target);
    return `replayed ${replayed} rows changed since ${since.toISOString()} and ${journaled} journaled changes`;
  }
}
