import { Injectable } from '@nestjs/common';
import { SourceReader } from '../../job-store/source-reader.js';
import { SearchGateway } from '../../opensearch/search-gateway.js';
import { ReindexErrorCode, ReindexException } from '../reindex.exception.js';
import { Phase, type PhaseContext } from './phase.js';

/** Live updates keep flowing during VERIFY, so counts may differ by a few in-flight changes. */
const TOLERATED_SHORTFALL = { ratio: 0.001, documents: 10 };

@Injectable()
export class VerifyPhase extends Phase {
  readonly name = 'VERIFY' as const;

  constructor(
    private readonly gateway: SearchGateway,
    private readonly reader: SourceReader,
  ) {
    super();
  }

  async run({ job, definition }: PhaseContext): Promise<string> {
    const target = job.targetIndex!;
    await this.gateway.putSettings(target, {
      'index.refresh_interval': null,
      'index.gc_deletes': null,
      'index.number_of_replicas': await this.servingReplicas(job.sourceIndex, definition.settings),
    });
    await this.gateway.refresh(target);
    const [indexed, source] = await Promise.all([this.gateway.count(target), this.reader.countIndexable(definition)]);
    const allowed = Math.max(TOLERATED_SHORTFALL.documents, Math.ceil(source * TOLERATED_SHORTFALL.ratio));
    if (source - indexed > allowed) {
      throw new ReindexException(
        ReindexErrorCode.VERIFY_REFUSED,
        `refusing to swap: ${target} holds ${indexed} documents but the source has ${source} indexable rows`,
        true,
      );
    }
    return `${target} holds ${indexed} documents, source ${source}`;
  }

  /** The replica count the live index serves with, else the definition's, else 1. */
  private async servingReplicas(sourceIndex: string | null, settings: Record<string, unknown>): Promise<number> {
    const declared = Number((settings['index.number_of_replicas'] ?? (settings.index as Record<string, unknown> | undefined)?.number_of_replicas) ?? NaN);
    if (sourceIndex && (await this.gateway.indexExists(sourceIndex))) {
      const live = (await this.gateway.getIndexMeta(sourceIndex)).settings;
      const replicas = Number((live['index.number_of_replicas'] ?? (live.index as Record<string, unknown> | undefined)?.number_of_replicas) ?? NaN);
      if (Number.isInteger(replicas)) return replicas;
    }
    return Number.isInteger(declared) ? declared : 1;
  }
}
