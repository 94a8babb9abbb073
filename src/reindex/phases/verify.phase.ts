import { Injectable } from '@nestjs/common';
import type { IndexDefinition } from '../../indices/index-definition.js';
import { SourceReader } from '../../job-store/source-reader.js';
import { SearchGateway, writeAliasOf } from '../../opensearch/search-gateway.js';
import { DocumentSync } from '../document-sync.service.js';
import { ReindexErrorCode, ReindexException } from '../reindex.exception.js';
import { Phase, type PhaseContext } from './phase.js';
import { SINCE_MARGIN_MS } from './catch-up.phase.js';

/** Count rounds before VERIFY gives up; each first replays what changed since the previous one. */
const ROUNDS = 3;
/** Each count round replays from this long before the previous round began (commits in flight then). */
const ROUND_OVERLAP_MS = 1000;
/** Rows whose stored version is compared with the source's, from a random place in the id range. */
const SAMPLE_SIZE = 200;
/** Rows changed during a count round are counted up to this many: more than any explainable difference. */
const IN_FLIGHT_COUNTED = 10_000;
/**
 * A difference this small that the rounds did not settle is live traffic still in flight (a hard
 * delete shows in no changed-since query): the attempt fails and is retried like any transient
 * error. A larger one is a broken copy and is refused for good.
 */
const UNSETTLED_DIFFERENCE = 100;

/**
 * Refuses to swap in an index that is not a copy of the source. The target's definition hash was
 * checked before this step (IndexLifecycle.requireIntactTarget). Then, after a final catch-up of
 * what changed meanwhile, the document count must equal the source's; the only difference let
 * through is explained by rows that changed while the two were counted (live traffic that the
 * dual-write is still carrying), and that many at most. A sample of documents must carry their
 * rows' versions.
 */
@Injectable()
export class VerifyPhase extends Phase {
  readonly name = 'VERIFY' as const;

  constructor(
    private readonly reader: SourceReader,
    private readonly sync: DocumentSync,
  ) {
    super();
  }

  async run({ job, definition, gateway, signal }: PhaseContext): Promise<string> {
    const target = job.targetIndex!;
    await gateway.putSettings(target, {
      'index.refresh_interval': null,
      'index.gc_deletes': null,
      'index.number_of_replicas': await servingReplicas(gateway, job.sourceIndex, definition.settings),
    });
    let since = new Date((job.phaseStartedAt ?? new Date()).getTime() - SINCE_MARGIN_MS);
    let counted = { indexed: 0, source: 0, inFlight: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const roundStart = new Date();
      await this.sync.replayChangedSince(gateway, definition, writeAliasOf(target), since, signal);
      // Once: dual-writes that failed since CATCH_UP; ALIAS_SWAP replays the journal again right before the swap.
      if (round === 1) await this.sync.replayJournal(gateway, job.id, definition, writeAliasOf(target), signal);
      await gateway.refresh(target);
      const [indexed, source] = await Promise.all([gateway.count(target), this.reader.countIndexable(definition)]);
      const inFlight = (await this.reader.changedSince(definition, roundStart, 0, IN_FLIGHT_COUNTED)).length;
      counted = { indexed, source, inFlight };
      since = new Date(roundStart.getTime() - ROUND_OVERLAP_MS);
      if (indexed === source) break;
    }
    const { indexed, source, inFlight } = counted;
    const difference = Math.abs(source - indexed);
    if (difference > inFlight) {
      throw new ReindexException(
        ReindexErrorCode.VERIFY_REFUSED,
        `refusing to swap: ${target} holds ${indexed} documents but the source has ${source} indexable rows (${inFlight} changed while counting)`,
        difference > UNSETTLED_DIFFERENCE,
      );
    }
    const sample = await this.checkSample(gateway, definition, target, job.cursor, since);
    return `${target} holds ${indexed} documents, source ${source}${indexed === source ? '' : ` (${inFlight} rows changing while counted)`}; ${sample}`;
  }

  /**
   * Compares stored versions with a sample of rows. The last replay made every document at least
   * as new as its row was when that replay began (`replayedUpTo`), so a document behind its row is
   * in flight only if the row changed since: live traffic moves versions under the check (a venue
   * change re-versions all its events at once), and the dual-write carries them. Any other is
   * re-synced once and compared again; still behind, the attempt fails, to be retried like any
   * transient error (a copy that is really broken also fails the count, for good).
   */
  private async checkSample(gateway: SearchGateway, definition: IndexDefinition, target: string, highestId: number, replayedUpTo: Date): Promise<string> {
    const afterId = Math.floor(Math.random() * Math.max(0, highestId - SAMPLE_SIZE));
    for (let attempt = 1; ; attempt++) {
      const behind = await this.documentsBehind(gateway, definition, target, afterId);
      // Ids come in order from afterId, so the sampled rows are among the first ones.
      const changing = new Set(behind.length > 0 ? await this.reader.changedSince(definition, replayedUpTo, afterId, IN_FLIGHT_COUNTED) : []);
      const unexplained = behind.filter((id) => !changing.has(id));
      if (unexplained.length === 0) return `${SAMPLE_SIZE} sampled versions equal the source's${behind.length > 0 ? ` or belong to rows changing meanwhile (${behind.length})` : ''}`;
      if (attempt === 2) {
        throw new ReindexException(
          ReindexErrorCode.VERIFY_REFUSED,
          `refusing to swap yet: ${unexplained.length} of ${SAMPLE_SIZE} sampled documents in ${target} are missing or older than rows unchanged since ${replayedUpTo.toISOString()}, after a re-sync (ids ${unexplained.slice(0, 10).join(', ')})`,
        );
      }
      await this.sync.syncIds(gateway, definition, unexplained, [writeAliasOf(target)]);
    }
  }

  private async documentsBehind(gateway: SearchGateway, definition: IndexDefinition, target: string, afterId: number): Promise<number[]> {
    const rows = await this.reader.readBatch(definition, afterId, SAMPLE_SIZE);
    const documents = rows.flatMap((row) => {
      const document = definition.toDocument(row);
      return document ? [{ rowId: row.id, id: document.id, version: document.version }] : [];
    });
    const stored = await gateway.getVersions(target, documents.map((document) => document.id));
    return documents.filter((document) => (stored.get(document.id) ?? 0) < document.version).map((document) => document.rowId);
  }
}

/** The replica count the live index serves with, else the definition's, else 1. */
async function servingReplicas(gateway: SearchGateway, sourceIndex: string | null, settings: Record<string, unknown>): Promise<number> {
  const declared = Number((settings['index.number_of_replicas'] ?? (settings.index as Record<string, unknown> | undefined)?.number_of_replicas) ?? NaN);
  if (sourceIndex && (await gateway.indexExists(sourceIndex))) {
    const live = (await gateway.getIndexMeta(sourceIndex)).settings;
    const replicas = Number((live['index.number_of_replicas'] ?? (live.index as Record<string, unknown> | undefined)?.number_of_replicas) ?? NaN);
    if (Number.isInteger(replicas)) return replicas;
  }
  return Number.isInteger(declared) ? declared : 1;
}
