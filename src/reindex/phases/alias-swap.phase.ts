import { setTimeout as delay } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { buildJournal, ChangeJournal } from '../../indexing/index.js';
import { writeAliasOf } from '../../indices/index.js';
import { IndexLifecycle } from '../lifecycle/index-lifecycle.service.js';
import { ReindexErrorCode, ReindexException } from '../reindex.exception.js';
import { Phase, type PhaseContext } from './phase.js';

@Injectable()
export class AliasSwapPhase extends Phase {
  readonly name = 'ALIAS_SWAP' as const;

  constructor(
    private readonly journal: ChangeJournal,
    private readonly lifecycle: IndexLifecycle,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async run({ job, definition, gateway, signal, fence }: PhaseContext): Promise<string> {
    const target = job.targetIndex!;
    const current = await gateway.getAliasTargets(job.alias);
    // Recovery: a crash after the swap call but before the transition finds the swap already done.
    if (current.length === 1 && current[0] === target) return `alias ${job.alias} already points at ${target}`;
    // A change whose dual-write kept failing after CATCH_UP may have given up (dead-lettered) with
    // only its live write done; its journal entry is the last record of it, so the journal is read
    // once more before the target goes live. Replays are versioned writes: repeating one is harmless.
    const replayed = await this.journal.replay(buildJournal(job), gateway, definition, [writeAliasOf(target)], signal);
    if (replayed > 0) await gateway.refresh(target);
    const legacy = current.length === 0 && (await gateway.indexExists(job.alias));
    // A concrete index under the alias's name is someone's search: only an adoption replaces it, keeping a copy.
    if (legacy && !job.adoption) {
      throw new ReindexException(ReindexErrorCode.LEGACY_INDEX, `${job.alias} is a concrete index the service did not create; only an adoption (POST /indices/${job.alias}/adopt) replaces it`, true);
    }
    // Only the attempt that holds the job moves the alias: one paused, cancelled or taken over stops here.
    await fence();
    const copy = legacy ? await this.lifecycle.copyAdoptee(gateway, job) : null;
    try {
      // Fault injection (REINDEX_FAULT_PHASE_DELAY_MS): a window between the copy and the swap for crash tests.
      if (copy && this.config.reindex.faultPhaseDelayMs > 0) await delay(this.config.reindex.faultPhaseDelayMs, undefined, { signal });
      if (copy) await fence();
      await gateway.swapAlias({ alias: job.alias, addIndex: target, removeFrom: current, removeIndex: legacy ? job.alias : undefined });
    } catch (error) {
      if (copy) await this.lifecycle.releaseAdoptee(gateway, job).catch(() => undefined);
      throw error;
    }
    const swapped = copy
      ? `adopted index ${job.alias} copied to ${copy} (kept), then replaced by alias to ${target}`
      : current.length > 0
        ? `alias ${job.alias} moved from ${current.join(', ')} to ${target}`
        : `alias ${job.alias} created on ${target}`;
    return `${swapped} (${replayed} journaled changes replayed first)`;
  }
}
