import type { Job, JobTransitionRecord } from '../job-store/index.js';
import type { ServicePacing } from '../reindex/index.js';
import { adaptivePaceOf, backfillDocsPerSecond, paceOf, paceSetBy } from './job-progress.js';

/** A job as the API shows it, with progress figures derived from the persisted counters; its pace as paceOf says. */
export function jobView(job: Job, pacing: ServicePacing, transitions?: readonly JobTransitionRecord[], now = Date.now()) {
  const pace = paceOf(job, pacing);
  const rate = backfillDocsPerSecond(job, now, pace ?? 0);
  const docsPerSecond = rate === null ? null : Math.round(rate);
  const remaining = job.docsTotal !== null ? Math.max(0, job.docsTotal - job.docsProcessed) : null;
  return {
    id: job.id,
    alias: job.alias,
    kind: job.kind,
    trigger: job.trigger,
    status: job.status,
    phase: job.phase,
    definitionHash: job.definitionHash,
    /** The cluster the job builds on (a migration's build on the next cluster); null = the current cluster. */
    clusterUuid: job.clusterUuid,
    adoption: job.adoption,
    sourceIndex: job.sourceIndex,
    targetIndex: job.targetIndex,
    recordIds: job.recordIds,
    cursor: job.cursor,
    docsProcessed: job.docsProcessed,
    docsTotal: job.docsTotal,
    docsPerSecond,
    etaSeconds: docsPerSecond && remaining !== null ? Math.round(remaining / docsPerSecond) : null,
    /** Backfill pace in force, 0 = unlimited; null once the backfill is over, and for a PARTIAL job (not paced). */
    maxDocsPerSecond: pace,
    maxDocsPerSecondSetBy: paceSetBy(job, pacing),
    /** What the adaptive pacing (REINDEX_PACE=auto) decided last and why (`overridden` while an operator's pace is in force); null when it did not pace the job. */
    pace: adaptivePaceOf(job, pacing),
    retries: job.retries,
    lastError: job.lastError,
    pausedBy: job.pausedBy,
    /**
     * The relevance gate's last judgement of the candidate (verdict, failures, thresholds, approval);
     * with every query's comparison (both tops side by side) on the job's own page only.
     */
    relevance: relevanceOf(job, transitions !== undefined),
    /** A VERIFY or SYNC job's report once it completed (as GET /indices/:alias/verify answers; a sync's with `unrepaired`); null before, and for other kinds. */
    result: job.result,
    leaseOwner: job.leaseOwner,
    heartbeatAt: job.heartbeatAt,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    ...(transitions ? { transitions } : {}),
  };
}

function relevanceOf(job: Job, whole: boolean): Readonly<Record<string, unknown>> | null {
  if (!job.relevance || whole) return job.relevance;
  const { queries: _queries, summary: _summary, ...verdict } = job.relevance;
  return verdict;
}
