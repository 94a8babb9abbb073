import { Injectable } from '@nestjs/common';
import { IndexRegistry } from '../../indices/index-registry.js';
import { JobStore } from '../../job-store/job-store.js';
import { SearchGateway } from '../../opensearch/search-gateway.js';
import { Phase, versionOfIndex, type PhaseContext } from './phase.js';

/** Settings for the bulk load; VERIFY puts the serving ones back. */
export const BULK_LOAD_SETTINGS = {
  'index.refresh_interval': '-1',
  'index.number_of_replicas': 0,
  // Delete tombstones must outlive the job so an older backfill copy cannot re-create a deleted document.
  'index.gc_deletes': '12h',
};

@Injectable()
export class PreparePhase extends Phase {
  readonly name = 'PREPARE' as const;

  constructor(
    private readonly gateway: SearchGateway,
    private readonly store: JobStore,
    private readonly registry: IndexRegistry,
  ) {
    super();
  }

  async run({ job, definition, owner }: PhaseContext): Promise<string> {
    let target = job.targetIndex;
    if (!target) {
      target = await this.nextIndexName(job.alias);
      // Named in MySQL before it exists in OpenSearch: a crash in between leaves a name to reuse, never an orphan.
      await this.store.saveTargetIndex(job.id, owner, target);
    }
    const outcome = await this.gateway.createIndex(target, {
      mappings: definition.mappings,
      settings: { ...definition.settings, ...BULK_LOAD_SETTINGS },
      meta: { alias: job.alias, definitionHash: this.registry.definitionHash(definition) },
    });
    return `target index ${target} ${outcome === 'created' ? 'created' : 'already existed'}`;
  }

  private async nextIndexName(alias: string): Promise<string> {
    const existing = await this.gateway.listIndices(`${alias}_v*`);
    const highest = Math.max(0, ...existing.map((index) => versionOfIndex(alias, index) ?? 0));
    return `${alias}_v${highest + 1}`;
  }
}
