import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { JobStore, SourceReader } from '../../job-store/index.js';
import { AdaptivePace } from '../pacing/adaptive-pace.js';
import { BackfillRun } from './backfill-run.js';
import { Phase, type PhaseContext } from './phase.js';

/**
 * Reads rows by primary-key cursor and bulk-writes them with up to
 * REINDEX_BULK_CONCURRENCY requests in flight, reading the next batch while the
 * others are written. After each acknowledged batch the contiguous cursor is
 * persisted, so a crash re-processes at most the batches that were in flight.
 * The pace in force (paceInForce) paces the reads: the one an operator set, else under
 * REINDEX_PACE=auto the adaptive pace (what searches on the live alias feel), else REINDEX_MAX_DOCS_PER_SECOND.
 * The operator's is read again from MySQL twice a second, so a rethrottle on any replica
 * takes effect within a second.
 */
@Injectable()
export class BackfillPhase extends Phase {
  readonly name = 'BACKFILL' as const;

  constructor(
    private readonly store: JobStore,
    private readonly reader: SourceReader,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async run(context: PhaseContext): Promise<string> {
    const { job, definition, gateway, leaseToken, signal, logger } = context;
    const { pace, maxDocsPerSecond, searchLatencyBudget, minDocsPerSecond } = this.config.reindex;
    const docsTotal = job.docsTotal ?? (await this.reader.countIndexable(definition));
    let sent = job.docsProcessed;
    const adaptive =
      pace === 'auto'
        ? await AdaptivePace.start({ job, gateway, store: this.store, leaseToken, logger, signal, sent: () => sent, settings: { budget: searchLatencyBudget, floor: minDocsPerSecond, ceiling: maxDocsPerSecond } })
        : null;
    try {
      return await new BackfillRun(this.store, this.reader, this.config.reindex, context, docsTotal, adaptive, (count) => (sent = count)).run();
    } finally {
      await adaptive?.stop();
    }
  }
}
