import type { Job, JobTransitionRecord } from '../job-store/job.js';
import { backfillDocsPerSecond, paceOf } from './job-progress.js';

/**
 * A job as the API shows it, with progress figures derived from the persisted counters. A FULL
 * job's pace is the one an operator set on it, else `defaultMaxDocsPerSecond` (REINDEX_MAX_DOCS_PER_SECOND).
 */
export function jobView(job: Job, defaultMaxDocsPerSecond: number, transitions?: readonly JobTransitionRecord[], now = Date.now()) {
  const rate = backfillDocsPerSecond(job, now, paceOf(job, defaultMaxDocsPerSecond));
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
    sourceIndex: job.sourceIndex,
    targetIndex: job.targetIndex,
    recordIds: job.recordIds,
    cursor: job.cursor,
    docsProcessed: job.docsProcessed,
    docsTotal: job.docsTotal,
    docsPerSecond,
    etaSeconds: docsPerSecond && remaining !== null ? Math.round(remaining / docsPerSecond) : null,
    /** Backfill pace, 0 = unlimited; null for a PARTIAL job (not paced). */
    maxDocsPerSecond: job.kind === 'FULL' ? paceOf(job, defaultMaxDocsPerSecond) : null,
    maxDocsPerSecondSetBy: job.kind !== 'FULL' ? null : job.maxDocsPerSecond === null ? 'REINDEX_MAX_DOCS_PER_SECOND' : 'operator',
    retries: job.retries,
    lastError: job.lastError,
    pausedBy: job.pausedBy,
    leaseOwner: job.leaseOwner,
    heartbeatAt: job.heartbeatAt,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    ...(transitions ? { transitions } : {}),
  };
}
