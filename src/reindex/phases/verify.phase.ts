import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { buildJournal, ChangeJournal, DocumentSync } from '../../indexing/index.js';
import { writeAliasOf, type IndexDefinition } from '../../indices/index.js';
import { SourceReader } from '../../job-store/index.js';
import { SearchGateway } from '../../opensearch/index.js';
import { restoreServingSettings } from '../lifecycle/bulk-load-settings.js';
import { ReindexErrorCode, ReindexException } from '../reindex.exception.js';
import { CopyComparison } from '../verification/copy-comparison.js';
import { RelevanceCheck } from '../verification/relevance-check.js';
import { SINCE_MARGIN_MS } from './catch-up.phase.js';
import { Phase, type PhaseContext } from './phase.js';

/** Count rounds before VERIFY gives up; each first replays what changed since the previous one. */
const ROUNDS = 3;
/** Each count round replays from this long before the previous round began (commits in flight then). */
const ROUND_OVERLAP_MS = 1000;
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
  private readonly logger = new Logger(VerifyPhase.name);

  constructor(
    private readonly reader: SourceReader,
    private readonly sync: DocumentSync,
    private readonly comparison: CopyComparison,
    private readonly journal: ChangeJournal,
    private readonly config: AppConfig,
    private readonly relevance: RelevanceCheck,
  ) {
    super();
  }

  async run(context: PhaseContext): Promise<string> {
    const { job, definition, gateway, signal } = context;
    const target = job.targetIndex!;
    await restoreServingSettings(gateway, target, job.sourceIndex, definition);
    let since = new Date((job.phaseStartedAt ?? new Date()).getTime() - SINCE_MARGIN_MS);
    let counted = { indexed: 0, source: 0, inFlight: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const roundStart = new Date();
      await this.sync.replayChangedSince(gateway, definition, writeAliasOf(target), since, signal);
      // Once: dual-writes that failed since CATCH_UP; ALIAS_SWAP replays the journal again right before the swap.
      if (round === 1) await this.journal.replay(buildJournal(job), gateway, definition, [writeAliasOf(target)], signal);
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
    const compared = await this.compareEveryDocument(gateway, definition, target, since, signal);
    const searched = await this.relevance.run(context);
    return `${target} holds ${indexed} documents, source ${source}${indexed === source ? '' : ` (${inFlight} rows changing while counted)`}; ${compared}; ${searched}`;
  }

  /**
   * Compares every document's id and version with the source (CopyComparison). A difference on a
   * row that changed since shortly before the last replay is live traffic the dual-write is still
   * carrying, and a difference on a row that no longer exists at all (a document still there, or one
   * gone while the comparison read its row) is a hard delete in flight: those are
   * written again as the source has them now and checked once more (still behind: the attempt fails,
   * to be retried). Any other difference is a write lost on the way (a replay that missed an entry, a
   * change never announced): the copy is wrong whatever the counts say. It is refused for good with
   * the ids named, and the old index stays live; under REINDEX_VERIFY_LOST=repair it is written again
   * too, named in the job's transition and the log, and the copy swapped in once exact.
   */
  private async compareEveryDocument(gateway: SearchGateway, definition: IndexDefinition, target: string, replayedUpTo: Date, signal: AbortSignal): Promise<string> {
    const differences = await this.comparison.compare(gateway, definition, target, signal);
    const { missing, stale, extra } = differences;
    const compared = `every document's id and version equal the source's (${differences.indexable} compared)`;
    if (missing.length + stale.length + extra.length === 0) return compared;
    if (differences.truncated) {
      throw new ReindexException(
        ReindexErrorCode.VERIFY_REFUSED,
        `refusing to swap: ${target} is not a copy of the source (${differences.indexed} documents, ${differences.indexable} indexable rows): at least ${missing.length} missing, ${stale.length} stale, ${extra.length} extra`,
        true,
      );
    }
    const window = new Date(replayedUpTo.getTime() - SINCE_MARGIN_MS);
    const different = [...missing, ...stale, ...extra];
    const changed = await this.changedAmong(definition, window, different);
    // A row gone since the comparison read it is a hard delete in flight (no changed-since query shows it), whatever its document.
    const existing = new Set((await this.reader.readByIds(definition, different)).map((row) => row.id));
    const explained = (id: number) => changed.has(id) || !existing.has(id);
    const unexplained = {
      missing: missing.filter((id) => !explained(id)),
      stale: stale.filter((id) => !explained(id)),
      extra: extra.filter((id) => !explained(id)),
    };
    const lost = [...unexplained.missing, ...unexplained.stale, ...unexplained.extra];
    const counts = (['missing', 'stale', 'extra'] as const).map((kind) => `${unexplained[kind].length} ${kind}`).join(', ');
    const named = `${counts} on rows unchanged since ${window.toISOString()}, ids ${lost.slice(0, 10).join(', ')}`;
    if (lost.length > 0 && this.config.reindex.verifyLost === 'refuse') {
      throw new ReindexException(
        ReindexErrorCode.VERIFY_REFUSED,
        `refusing to swap: ${target} is not a copy of the source (${differences.indexed} documents, ${differences.indexable} indexable rows): ${named}`,
        true,
      );
    }
    await this.sync.syncIds(gateway, definition, different, [writeAliasOf(target)]);
    const behind = await this.documentsBehind(gateway, definition, target, different);
    if (behind.length > 0) {
      // Live traffic may still move a row that changed meanwhile; a lost one that cannot be written right (a document newer than its row) never will.
      const lostForGood = behind.filter((id) => lost.includes(id));
      throw new ReindexException(
        ReindexErrorCode.VERIFY_REFUSED,
        `refusing to swap${lostForGood.length > 0 ? '' : ' yet'}: ${behind.length} documents still differ from their rows after being written again (ids ${behind.slice(0, 10).join(', ')})`,
        lostForGood.length > 0,
      );
    }
    const inFlight = different.length - lost.length;
    const repaired = [inFlight > 0 ? `${inFlight} of rows changing meanwhile` : '', lost.length > 0 ? `${lost.length} lost on the way` : ''].filter(Boolean).join(' and ');
    if (lost.length > 0) {
      this.logger.warn(`${target} differed from the source: ${named}; written again before the swap (REINDEX_VERIFY_LOST=repair)`);
      return `${compared} once ${repaired} were written again (lost: ${named})`;
    }
    return `${compared} once ${repaired} were written again`;
  }

  /** Which of `ids` changed since `since`: pages of changed ids from the lowest of them to the highest, only those kept. */
  private async changedAmong(definition: IndexDefinition, since: Date, ids: readonly number[]): Promise<Set<number>> {
    const wanted = new Set(ids);
    const changed = new Set<number>();
    const highest = Math.max(...ids);
    for (let afterId = Math.min(...ids) - 1; ; ) {
      const page = await this.reader.changedSince(definition, since, afterId, IN_FLIGHT_COUNTED);
      for (const id of page) if (wanted.has(id)) changed.add(id);
      if (page.length < IN_FLIGHT_COUNTED || page[page.length - 1] >= highest) return changed;
      afterId = page[page.length - 1];
    }
  }

  /** Among `ids`, those whose document is not yet what the row says (missing, older, or there for a row that is not indexable). */
  private async documentsBehind(gateway: SearchGateway, definition: IndexDefinition, target: string, ids: readonly number[]): Promise<number[]> {
    const documents = new Map((await this.reader.readByIds(definition, ids)).flatMap((row) => {
      const document = definition.toDocument(row);
      return document ? [[row.id, document.version] as const] : [];
    }));
    const stored = await gateway.getVersions(target, ids.map(String));
    return ids.filter((id) => {
      const version = stored.get(String(id));
      const expected = documents.get(id);
      return expected === undefined ? version !== undefined : version === undefined || version < expected;
    });
  }
}
