import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { SearchGateway } from '../../opensearch/search-gateway.js';
import { Phase, versionOfIndex, type PhaseContext } from './phase.js';

/**
 * Deletes the indices the alias left, keeping the newest REINDEX_RETAIN_PREVIOUS
 * for rollback. The job's source index counts too when it is not one of ours
 * (`<alias>_vN`), e.g. an index created before the service managed the alias.
 */
@Injectable()
export class CleanupPhase extends Phase {
  readonly name = 'CLEANUP' as const;

  constructor(
    private readonly gateway: SearchGateway,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async run({ job }: PhaseContext): Promise<string> {
    const target = job.targetIndex!;
    const targetVersion = versionOfIndex(job.alias, target) ?? Number.POSITIVE_INFINITY;
    const live = new Set(await this.gateway.getAliasTargets(job.alias));
    const previous = (await this.gateway.listIndices(`${job.alias}_v*`))
      .map((index) => ({ index, version: versionOfIndex(job.alias, index) }))
      .filter((candidate): candidate is { index: string; version: number } => candidate.version !== null && candidate.version < targetVersion && !live.has(candidate.index))
      .sort((a, b) => b.version - a.version);
    if (job.sourceIndex && job.sourceIndex !== job.alias && versionOfIndex(job.alias, job.sourceIndex) === null && !live.has(job.sourceIndex)) {
      previous.push({ index: job.sourceIndex, version: 0 });
    }
    const doomed = previous.slice(this.config.reindex.retainPrevious).map((candidate) => candidate.index);
    for (const index of doomed) await this.gateway.deleteIndex(index);
    return doomed.length > 0 ? `deleted ${doomed.join(', ')}` : 'nothing to delete';
  }
}
