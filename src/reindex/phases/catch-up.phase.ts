import { Injectable } from '@nestjs/common';
import { buildJournal, ChangeJournal, DocumentSync } from '../../indexing/index.js';
import { writeAliasOf } from '../../indices/index.js';
import { Phase, type PhaseContext } from './phase.js';

/** Rows changed within this margin before the job started are replayed too (clock skew, in-flight commits). */
export const SINCE_MARGIN_MS = 60_000;

/**
 * Closes every race the dual-write could lose: re-reads each row changed since
 * the job started and each change the journal holds, and upserts or deletes it in
 * the target from MySQL's current state.
 */
@Injectable()
export class CatchUpPhase extends Phase {
  readonly name = 'CATCH_UP' as const;

  constructor(
    private readonly sync: DocumentSync,
    private readonly journal: ChangeJournal,
  ) {
    super();
  }

  async run({ job, definition, gateway, signal }: PhaseContext): Promise<string> {
    const target = job.targetIndex!;
    const since = new Date((job.startedAt ?? job.createdAt).getTime() - SINCE_MARGIN_MS);
    const replayed = await this.sync.replayChangedSince(gateway, definition, writeAliasOf(target), since, signal);
    const journaled = await this.journal.replay(buildJournal(job), gateway, definition, [writeAliasOf(target)], signal);
    await gateway.refresh(target);
    return `replayed ${replayed} rows changed since ${since.toISOString()} and ${journaled} journaled changes`;
  }
}
