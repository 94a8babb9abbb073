import { Injectable } from '@nestjs/common';
import { JobStore } from '../job-store/job-store.js';
import { SearchGateway } from '../opensearch/search-gateway.js';
import { DocumentSync } from './document-sync.service.js';
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
    private readonly sync: DocumentSync,
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
      await this.sync.syncIds(definition, ids.slice(start, start + CHUNK), targets);
    }
    return `wrote ${ids.length} records`;
  }
}
