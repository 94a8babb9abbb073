import { Injectable } from '@nestjs/common';
import { JobStore, type Job } from '../../job-store/index.js';
import { describeGate, RelevanceGate, type GateApproval, type GateRecord } from '../../relevance/index.js';
import type { PhaseContext } from '../phases/phase.js';
import { AwaitingApprovalError } from './awaiting-approval.error.js';

/** The gate's record kept on a job (null before its first comparison). */
export function gateRecordOf(job: Pick<Job, 'relevance'>): GateRecord | null {
  return job.relevance as unknown as GateRecord | null;
}

/**
 * The last step before the swap: searches on the candidate against the live index (RelevanceGate).
 * The record goes on the job either way; a block throws AwaitingApprovalError, which pauses the job
 * (pausedBy `relevance-gate`) until an operator approves or cancels it. An approval given after a
 * block stands for the rest of the job: the comparison is still run and kept, and lets it through.
 */
@Injectable()
export class RelevanceCheck {
  constructor(
    private readonly gate: RelevanceGate,
    private readonly store: JobStore,
  ) {}

  async run({ job, definition, gateway, leaseToken }: PhaseContext): Promise<string> {
    // A first build replaces nothing that searches could be compared with.
    if (!job.sourceIndex) return 'no live index to compare searches with';
    await gateway.refresh(job.targetIndex!);
    const approval: GateApproval | null = gateRecordOf(job)?.approval ?? null;
    const record = await this.gate.judge({
      alias: job.alias,
      definition,
      sides: { current: { gateway, index: job.sourceIndex }, next: { gateway, index: job.targetIndex! } },
      approval,
    });
    await this.store.saveRelevance(job.id, leaseToken, record as unknown as Record<string, unknown>);
    const described = describeGate(record);
    if (record.verdict === 'blocked') throw new AwaitingApprovalError(`${described}; approve (POST /jobs/${job.id}/approve) or cancel`);
    return described;
  }
}
