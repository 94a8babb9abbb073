import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RequestActor } from '../common/index.js';
import { Prisma, type ReindexJob } from '../generated/prisma/client.js';
import { DatabaseService } from './database.service.js';
import { ConcurrentTransitionError, JobStore, type ClaimLifecycle, type ClaimRequest, type DeployedDefinition } from './job-store.js';
import { mirrorRebuildKey, type Job, type JobPace, type JobPatch, type JobStatus, type JobTransitionRecord, type JournalEntry, type JournalTarget, type NewFullJob, type NewPartialJob, type Rollback, type Schedule, type Transition } from './job.js';

const TERMINAL: JobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
/** A transaction chosen as a deadlock victim (or timed out on a lock) is tried again this often. */
const DEADLOCK_ATTEMPTS = 4;

type Tx = Prisma.TransactionClient;

@Injectable()
export class PrismaJobStore extends JobStore {
  private readonly ensuredSlots = new Set<number>();

  constructor(private readonly database: DatabaseService) {
    super();
  }

  private get prisma() {
    return this.database.prisma;
  }

  async createFullJob(job: NewFullJob): Promise<{ job: Job; created: boolean }> {
    try {
      const row = await this.prisma.$transaction((tx) => insertFullJob(tx, job));
      return { job: toJob(row), created: true };
    } catch (error) {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') throw error;
      const existing = job.mirrorRebuild ? await this.findMirrorRebuild(job.alias, job.clusterUuid!) : await this.findActiveFullJob(job.alias);
      // The active job ended between the insert and this read: try once more.
      return existing ? { job: existing, created: false } : this.createFullJob(job);
    }
  }

  async createPartialJob(job: NewPartialJob): Promise<Job> {
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await tx.reindexJob.create({
        data: { alias: job.alias, kind: 'PARTIAL', trigger: job.trigger, definitionHash: job.definitionHash, recordIds: [...job.recordIds] },
      });
      await tx.reindexJobEvent.create({ data: { jobId: created.id, toStatus: 'PENDING', reason: `created by ${job.trigger.toLowerCase()} trigger`, instanceId: 'api', actor: RequestActor.current() } });
      return created;
    });
    return toJob(row);
  }

  async findJob(id: number): Promise<Job | null> {
    const row = await this.prisma.reindexJob.findUnique({ where: { id } });
    return row ? toJob(row) : null;
  }

  findActiveFullJob(alias: string): Promise<Job | null> {
    return this.findActiveByKey(alias);
  }

  findMirrorRebuild(alias: string, clusterUuid: string): Promise<Job | null> {
    return this.findActiveByKey(mirrorRebuildKey(alias, clusterUuid));
  }

  private async findActiveByKey(activeAliasKey: string): Promise<Job | null> {
    const row = await this.prisma.reindexJob.findUnique({ where: { activeAliasKey } });
    return row ? toJob(row) : null;
  }

  async fullJobClusters(alias: string, definitionHash: string): Promise<(string | null)[]> {
    const rows = await this.prisma.reindexJob.findMany({ where: { alias, definitionHash, kind: 'FULL' }, select: { clusterUuid: true }, distinct: ['clusterUuid'] });
    return rows.map((row) => row.clusterUuid);
  }

  async listJobs(filter: { alias?: string; status?: JobStatus; limit: number }): Promise<Job[]> {
    const rows = await this.prisma.reindexJob.findMany({
      where: { alias: filter.alias, status: filter.status },
      orderBy: { id: 'desc' },
      take: filter.limit,
    });
    return rows.map(toJob);
  }

  async listTransitions(jobId: number): Promise<JobTransitionRecord[]> {
    return this.prisma.reindexJobEvent.findMany({ where: { jobId }, orderBy: { id: 'asc' } });
  }

  async claimNextJob(claim: ClaimRequest, lifecycle: ClaimLifecycle): Promise<Job | null> {
    const { instanceId, slots, leaseMs, definitionHashes, clusterUuids } = claim;
    const onReachableCluster = clusterUuids.length > 0 ? Prisma.sql`(cluster_uuid IS NULL OR cluster_uuid IN (${Prisma.join(clusterUuids)}))` : Prisma.sql`cluster_uuid IS NULL`;
    await this.ensureSlots(slots);
    if (definitionHashes.length === 0) return null;
    // Read committed: a locking read sees a job committed while the claim waited for its lock, and under
    // repeatable read the plain reads that follow it would not (their snapshot is older), failing the claim.
    return this.retryingDeadlocks(() =>
      this.prisma.$transaction(async (tx) => {
        // Lock order, everywhere: run slots, then jobs. Locking every slot row serialises claims across replicas.
        const slotRows = await this.lockSlots(tx, slots);
        await this.expireLeases(tx, lifecycle);
        const held = await tx.reindexJob.findMany({ where: { id: { in: slotRows.flatMap((row) => (row.jobId === null ? [] : [row.jobId])) }, status: 'RUNNING' }, select: { id: true } });
        const heldIds = new Set(held.map((row) => row.id));
        const free = slotRows.find((row) => row.jobId === null || !heldIds.has(row.jobId));
        if (!free) return null;
        // Jobs that already ran (resumed after a pause or taken over after a crash) go first; only jobs
        // of a definition this replica's code has (a rolling deploy runs old and new code side by side),
        // on a cluster it reaches.
        const [next] = await tx.$queryRaw<{ id: number }[]>`
          SELECT id FROM reindex_jobs WHERE status = 'PENDING' AND definition_hash IN (${Prisma.join(definitionHashes)}) AND ${onReachableCluster}
          ORDER BY (paused_at IS NULL AND lease_owner IS NULL), id LIMIT 1 FOR UPDATE`;
        if (!next) return null;
        const pending = toJob(await tx.reindexJob.findUniqueOrThrow({ where: { id: next.id } }));
        await this.releaseSlot(tx, pending.id);
        await tx.$executeRaw`
          UPDATE reindex_run_slots SET job_id = ${pending.id}, lease_owner = ${instanceId},
            lease_expires_at = NOW(3) + INTERVAL ${leaseMs * 1000} MICROSECOND
          WHERE slot = ${free.slot}`;
        const started = await this.applyTransition(tx, pending.id, lifecycle.started(pending), instanceId, undefined);
        const leaseToken = randomUUID();
        await tx.$executeRaw`
          UPDATE reindex_jobs SET lease_owner = ${instanceId}, lease_token = ${leaseToken},
            lease_expires_at = NOW(3) + INTERVAL ${leaseMs * 1000} MICROSECOND, heartbeat_at = NOW(3), paused_at = NULL
          WHERE id = ${pending.id}`;
        return { ...started, leaseOwner: instanceId, leaseToken };
      }, { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted }),
    );
  }

  private async lockSlots(tx: Tx, slots?: number): Promise<{ slot: number; jobId: number | null }[]> {
    return slots === undefined
      ? tx.$queryRaw`SELECT slot, job_id AS jobId FROM reindex_run_slots ORDER BY slot FOR UPDATE`
      : tx.$queryRaw`SELECT slot, job_id AS jobId FROM reindex_run_slots WHERE slot < ${slots} ORDER BY slot FOR UPDATE`;
  }

  /** Frees the run slot the job holds, if any; within the caller's transaction, once it holds the slots' locks. */
  private async releaseSlot(tx: Tx, jobId: number): Promise<void> {
    await tx.$executeRaw`UPDATE reindex_run_slots SET job_id = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE job_id = ${jobId}`;
  }

  /** RUNNING jobs whose lease ran out (their replica died) go back to PENDING for any replica to take. */
  private async expireLeases(tx: Tx, lifecycle: ClaimLifecycle): Promise<void> {
    const expired = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM reindex_jobs WHERE status = 'RUNNING' AND lease_expires_at < NOW(3) FOR UPDATE`;
    for (const { id } of expired) {
      const job = toJob(await tx.reindexJob.findUniqueOrThrow({ where: { id } }));
      await this.applyTransition(tx, id, lifecycle.leaseExpired(job), 'lease-sweeper', undefined);
      await this.releaseSlot(tx, id);
    }
  }

  async renewLease(jobId: number, leaseToken: string, leaseMs: number): Promise<boolean> {
    const renewed = await this.prisma.$executeRaw`
      UPDATE reindex_jobs SET lease_expires_at = NOW(3) + INTERVAL ${leaseMs * 1000} MICROSECOND, heartbeat_at = NOW(3)
      WHERE id = ${jobId} AND status = 'RUNNING' AND lease_token = ${leaseToken}`;
    if (renewed === 0) return false;
    await this.prisma.$executeRaw`
      UPDATE reindex_run_slots SET lease_expires_at = NOW(3) + INTERVAL ${leaseMs * 1000} MICROSECOND WHERE job_id = ${jobId}`;
    return true;
  }

  async transition(jobId: number, transition: Transition, instanceId: string, leaseToken?: string): Promise<Job> {
    return this.retryingDeadlocks(() => this.prisma.$transaction((tx) => this.applyTransition(tx, jobId, transition, instanceId, leaseToken)));
  }

  private async applyTransition(tx: Tx, jobId: number, transition: Transition, instanceId: string, leaseToken: string | undefined): Promise<Job> {
    const { from, to, reason, patch } = transition;
    const leavesRunning = from.status === 'RUNNING' && to.status !== 'RUNNING';
    // Slots before the job, as a claim locks them: the opposite order deadlocks against a claim.
    if (leavesRunning) await this.lockSlots(tx);
    const updated = await tx.reindexJob.updateMany({
      where: { id: jobId, status: from.status, phase: from.phase, ...(leaseToken ? { leaseToken } : {}) },
      data: {
        status: to.status,
        phase: to.phase,
        ...patchData(patch),
        ...(from.phase !== to.phase ? { phaseStartedAt: new Date() } : {}),
        ...(to.status === 'PAUSED' ? { pausedAt: new Date() } : {}),
        ...(TERMINAL.includes(to.status) ? { finishedAt: new Date(), activeAliasKey: null, leaseOwner: null, leaseToken: null, leaseExpiresAt: null } : {}),
        ...(to.status === 'PAUSED' || to.status === 'PENDING' ? { leaseToken: null, leaseExpiresAt: null } : {}),
      },
    });
    if (updated.count === 0) {
      throw new ConcurrentTransitionError(`job ${jobId} is no longer ${from.status}/${from.phase ?? '-'}${leaseToken ? ' under this claim' : ''}; refused ${to.status}/${to.phase ?? '-'}`);
    }
    if (to.status === 'RUNNING' && from.status !== 'RUNNING') {
      await tx.$executeRaw`UPDATE reindex_jobs SET started_at = COALESCE(started_at, NOW(3)) WHERE id = ${jobId}`;
    }
    if (leavesRunning) {
      await this.releaseSlot(tx, jobId);
    }
    await tx.reindexJobEvent.create({
      data: { jobId, fromStatus: from.status, toStatus: to.status, fromPhase: from.phase, toPhase: to.phase, reason, instanceId, actor: RequestActor.current() },
    });
    return toJob(await tx.reindexJob.findUniqueOrThrow({ where: { id: jobId } }));
  }

  async saveProgress(jobId: number, leaseToken: string, progress: { cursor: number; docsProcessed: number; docsTotal?: number }): Promise<void> {
    await this.updateOwned(jobId, leaseToken, { ...progress, heartbeatAt: new Date() });
  }

  async savePace(jobId: number, leaseToken: string, pace: JobPace): Promise<void> {
    await this.updateOwned(jobId, leaseToken, { pace: { ...pace } });
  }

  async setMaxDocsPerSecond(jobId: number, maxDocsPerSecond: number | null, instanceId: string): Promise<Job | null> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.reindexJob.findUnique({ where: { id: jobId }, select: { maxDocsPerSecond: true } });
      const updated = await tx.reindexJob.updateMany({ where: { id: jobId, kind: 'FULL', status: { notIn: TERMINAL } }, data: { maxDocsPerSecond } });
      if (updated.count === 0) return null;
      const job = toJob(await tx.reindexJob.findUniqueOrThrow({ where: { id: jobId } }));
      const was = before?.maxDocsPerSecond ?? null;
      await tx.reindexJobEvent.create({
        data: {
          jobId,
          fromStatus: job.status,
          toStatus: job.status,
          fromPhase: job.phase,
          toPhase: job.phase,
          reason: `rethrottled by operator: ${pace(maxDocsPerSecond)} (was ${pace(was)})`,
          instanceId,
          actor: RequestActor.current(),
        },
      });
      return job;
    });
  }

  async readMaxDocsPerSecond(jobId: number): Promise<number | null> {
    const row = await this.prisma.reindexJob.findUnique({ where: { id: jobId }, select: { maxDocsPerSecond: true } });
    return row?.maxDocsPerSecond ?? null;
  }

  async saveTargetIndex(jobId: number, leaseToken: string, targetIndex: string): Promise<void> {
    await this.updateOwned(jobId, leaseToken, { targetIndex });
  }

  async recordFailedAttempt(jobId: number, leaseToken: string, error: string): Promise<void> {
    await this.updateOwned(jobId, leaseToken, { retries: { increment: 1 }, lastError: error });
  }

  private async updateOwned(jobId: number, leaseToken: string, data: Prisma.ReindexJobUpdateManyMutationInput): Promise<void> {
    const saved = await this.prisma.reindexJob.updateMany({ where: { id: jobId, status: 'RUNNING', leaseToken }, data });
    if (saved.count === 0) throw new ConcurrentTransitionError(`job ${jobId} is no longer running under this claim`);
  }

  async listJobsByStatus(status: JobStatus): Promise<Job[]> {
    const rows = await this.prisma.reindexJob.findMany({ where: { status }, orderBy: { id: 'asc' } });
    return rows.map(toJob);
  }

  async listEndedWithTarget(since: Date): Promise<Job[]> {
    const rows = await this.prisma.reindexJob.findMany({
      where: { status: { in: ['FAILED', 'CANCELLED'] }, kind: 'FULL', targetIndex: { not: null }, finishedAt: { gte: since } },
    });
    return rows.map(toJob);
  }

  async findActiveJob(alias: string): Promise<Job | null> {
    const row = await this.prisma.reindexJob.findFirst({ where: { alias, status: { notIn: TERMINAL } }, orderBy: { id: 'asc' } });
    return row ? toJob(row) : null;
  }

  async findReplacedBy(alias: string, index: string): Promise<string | null> {
    const row = await this.prisma.reindexJob.findFirst({
      where: { alias, kind: 'FULL', status: 'COMPLETED', targetIndex: index },
      orderBy: { id: 'desc' },
      select: { sourceIndex: true },
    });
    return row?.sourceIndex ?? null;
  }

  async saveRollback(rollback: Omit<Rollback, 'rolledBackAt'>): Promise<Rollback> {
    const { alias, ...rest } = rollback;
    return this.prisma.indexRollback.upsert({ where: { alias }, create: rollback, update: { ...rest, rolledBackAt: new Date() } });
  }

  async findRollback(alias: string): Promise<Rollback | null> {
    return this.prisma.indexRollback.findUnique({ where: { alias } });
  }

  async listActiveTargets(): Promise<string[]> {
    const rows = await this.prisma.reindexJob.findMany({
      where: { kind: 'FULL', status: { notIn: TERMINAL }, targetIndex: { not: null } },
      select: { targetIndex: true },
    });
    return rows.flatMap((row) => (row.targetIndex ? [row.targetIndex] : []));
  }

  async nextGeneration(alias: string, atLeast: number): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO index_generations (alias, generation) VALUES (${alias}, ${atLeast + 1})
        ON DUPLICATE KEY UPDATE generation = GREATEST(generation + 1, ${atLeast + 1})`;
      const row = await tx.indexGeneration.findUniqueOrThrow({ where: { alias } });
      return row.generation;
    });
  }

  async announceDefinitions(definitions: readonly { alias: string; definitionHash: string }[]): Promise<void> {
    if (definitions.length === 0) return;
    const values = Prisma.join(definitions.map((definition) => Prisma.sql`(${definition.alias}, ${definition.definitionHash}, NOW(3), NOW(3))`));
    await this.prisma.$executeRaw`
      INSERT INTO deployed_definitions (alias, definition_hash, first_seen_at, last_seen_at) VALUES ${values}
      ON DUPLICATE KEY UPDATE last_seen_at = NOW(3)`;
  }

  async listDeployedDefinitions(seenWithinMs: number): Promise<DeployedDefinition[]> {
    return this.prisma.$queryRaw<DeployedDefinition[]>`
      SELECT alias, definition_hash AS definitionHash, first_seen_at AS firstSeenAt, last_seen_at AS lastSeenAt
      FROM deployed_definitions WHERE last_seen_at > NOW(3) - INTERVAL ${seenWithinMs * 1000} MICROSECOND
      ORDER BY first_seen_at, definition_hash`;
  }

  async countJobsByStatus(): Promise<Partial<Record<JobStatus, number>>> {
    const groups = await this.prisma.reindexJob.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
  }

  async appendJournal(target: JournalTarget, definition: string, entries: readonly { documentId: string; reason: string }[]): Promise<void> {
    const { jobId, definitionHash, clusterUuid } = target;
    await this.prisma.changeJournalEntry.createMany({
      data: entries.map((entry) => ({ jobId, definition, definitionHash, clusterUuid, target: target.target, documentId: entry.documentId, reason: entry.reason.slice(0, 2000) })),
    });
  }

  async readJournal(target: JournalTarget, afterId: bigint, limit: number): Promise<JournalEntry[]> {
    return this.prisma.changeJournalEntry.findMany({
      where: { jobId: target.jobId, definitionHash: target.definitionHash, clusterUuid: target.clusterUuid, target: target.target, id: { gt: afterId } },
      orderBy: { id: 'asc' },
      take: limit,
      select: { id: true, documentId: true },
    });
  }

  async trimJournal(ids: readonly bigint[]): Promise<void> {
    if (ids.length > 0) await this.prisma.changeJournalEntry.deleteMany({ where: { id: { in: [...ids] } } });
  }

  async journalBacklog({ jobId, clusterUuid, target }: Omit<JournalTarget, 'definitionHash'>): Promise<{ entries: number; oldestAgeSeconds: number | null }> {
    const [row] = await this.prisma.$queryRaw<{ entries: number | bigint; oldestAgeMs: number | bigint | null }[]>`
      SELECT COUNT(*) AS entries, TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) DIV 1000 AS oldestAgeMs FROM change_journal
      WHERE job_id = ${jobId} AND target = ${target} AND cluster_uuid <=> ${clusterUuid}`;
    return { entries: Number(row.entries), oldestAgeSeconds: row.oldestAgeMs === null ? null : Number(row.oldestAgeMs) / 1000 };
  }

  async getSchedule(alias: string): Promise<Schedule | null> {
    return this.prisma.indexSchedule.findUnique({ where: { alias } });
  }

  async putSchedule(schedule: Omit<Schedule, 'lastRunAt' | 'nextRunAt'>): Promise<Schedule> {
    const nextRunAt = new Date(Date.now() + schedule.intervalMinutes * 60_000);
    return this.prisma.indexSchedule.upsert({
      where: { alias: schedule.alias },
      create: { ...schedule, nextRunAt },
      update: { enabled: schedule.enabled, intervalMinutes: schedule.intervalMinutes, mode: schedule.mode, nextRunAt },
    });
  }

  async claimDueSchedule(alias: string, dueAt: Date, now: Date): Promise<boolean> {
    const schedule = await this.getSchedule(alias);
    if (!schedule) return false;
    const claimed = await this.prisma.indexSchedule.updateMany({
      where: { alias, nextRunAt: dueAt, enabled: true },
      data: { lastRunAt: now, nextRunAt: new Date(now.getTime() + schedule.intervalMinutes * 60_000) },
    });
    return claimed.count === 1;
  }

  async listDueSchedules(now: Date): Promise<Schedule[]> {
    return this.prisma.indexSchedule.findMany({ where: { enabled: true, nextRunAt: { lte: now } } });
  }

  private async retryingDeadlocks<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= DEADLOCK_ATTEMPTS || !isLockConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 20));
      }
    }
  }

  private async ensureSlots(slots: number): Promise<void> {
    if (this.ensuredSlots.has(slots)) return;
    const values = Prisma.join(Array.from({ length: slots }, (_, slot) => Prisma.sql`(${slot})`));
    await this.prisma.$executeRaw`INSERT IGNORE INTO reindex_run_slots (slot) VALUES ${values}`;
    this.ensuredSlots.add(slots);
  }
}

function pace(maxDocsPerSecond: number | null): string {
  if (maxDocsPerSecond === null) return "the service's pace (REINDEX_PACE)";
  return maxDocsPerSecond === 0 ? 'unlimited' : `at most ${maxDocsPerSecond} documents/s`;
}

function patchData(patch: JobPatch | undefined): Prisma.ReindexJobUpdateManyMutationInput {
  return patch ? { ...patch } : {};
}

/** Inserts a FULL job holding the alias's active key (P2002 when another FULL job holds it), with its first transition. */
export async function insertFullJob(tx: Tx, job: NewFullJob): Promise<ReindexJob> {
  const created = await tx.reindexJob.create({
    data: {
      alias: job.alias,
      kind: 'FULL',
      trigger: job.trigger,
      definitionHash: job.definitionHash,
      sourceIndex: job.sourceIndex,
      clusterUuid: job.clusterUuid ?? null,
      adoption: job.adoption ?? false,
      activeAliasKey: job.mirrorRebuild ? mirrorRebuildKey(job.alias, job.clusterUuid!) : job.alias,
    },
  });
  const reason = [
    `created by ${job.trigger.toLowerCase()} trigger`,
    job.clusterUuid ? `, to build on cluster ${job.clusterUuid}` : '',
    job.adoption ? `, adopting the index ${job.alias} (a copy is kept)` : '',
    job.why ? `: ${job.why}` : '',
  ].join('');
  await tx.reindexJobEvent.create({ data: { jobId: created.id, toStatus: 'PENDING', reason, instanceId: 'api', actor: RequestActor.current() } });
  return created;
}

export function toJob(row: ReindexJob): Job {
  return {
    ...row,
    recordIds: Array.isArray(row.recordIds) ? (row.recordIds as number[]) : null,
    pace: row.pace !== null && typeof row.pace === 'object' && !Array.isArray(row.pace) ? (row.pace as unknown as JobPace) : null,
  };
}

/** MySQL's deadlock (1213) and lock wait timeout (1205), however Prisma and the adapter wrap them. */
function isLockConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2034') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /\b(1213|1205)\b|deadlock|lock wait timeout/i.test(message);
}
