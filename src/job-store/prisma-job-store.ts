import { Injectable } from '@nestjs/common';
import { RequestActor } from '../common/index.js';
import { Prisma } from '../generated/prisma/client.js';
import { DatabaseService } from './database.service.js';
import { JobLeases } from './job-leases.js';
import { insertFullJob, paceText, TERMINAL, toJob } from './job-rows.js';
import { ConcurrentTransitionError, JobStore, type ClaimLifecycle, type ClaimRequest, type DeployedDefinition, type JobListFilter } from './job-store.js';
import { mirrorRebuildKey, type Job, type JobPace, type JobStatus, type JobTransitionRecord, type JournalEntry, type JournalTarget, type NewCheckJob, type NewFullJob, type NewPartialJob, type Rollback, type Schedule, type Transition } from './job.js';

/** The job store in MySQL, through Prisma; leases, run slots and transitions in `JobLeases`, the row mapping in `job-rows.ts`. */
@Injectable()
export class PrismaJobStore extends JobStore {
  private readonly leases: JobLeases;

  constructor(private readonly database: DatabaseService) {
    super();
    this.leases = new JobLeases(database);
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

  async createCheckJob(job: NewCheckJob): Promise<{ job: Job; created: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      // Asked again while one runs (a second click, a schedule faster than the check): the same job answers.
      const active = await tx.reindexJob.findFirst({ where: { alias: job.alias, kind: job.kind, clusterUuid: job.clusterUuid, status: { notIn: TERMINAL } }, orderBy: { id: 'asc' } });
      if (active) return { job: toJob(active), created: false };
      const created = await tx.reindexJob.create({ data: { alias: job.alias, kind: job.kind, trigger: job.trigger, definitionHash: job.definitionHash, clusterUuid: job.clusterUuid } });
      const where = job.clusterUuid ? ` on cluster ${job.clusterUuid}` : '';
      await tx.reindexJobEvent.create({ data: { jobId: created.id, toStatus: 'PENDING', reason: `created by ${job.trigger.toLowerCase()} trigger${where}`, instanceId: 'api', actor: RequestActor.current() } });
      return { job: toJob(created), created: true };
    });
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

  async listJobs(filter: JobListFilter): Promise<Job[]> {
    const rows = await this.prisma.reindexJob.findMany({
      where: { alias: filter.alias, status: filter.status, kind: filter.kind, id: filter.before === undefined ? undefined : { lt: filter.before } },
      orderBy: { id: 'desc' },
      take: filter.limit,
    });
    return rows.map(toJob);
  }

  async listTransitions(jobId: number): Promise<JobTransitionRecord[]> {
    return this.prisma.reindexJobEvent.findMany({ where: { jobId }, orderBy: { id: 'asc' } });
  }

  claimNextJob(claim: ClaimRequest, lifecycle: ClaimLifecycle): Promise<Job | null> {
    return this.leases.claimNext(claim, lifecycle);
  }

  renewLease(jobId: number, leaseToken: string, leaseMs: number): Promise<boolean> {
    return this.leases.renew(jobId, leaseToken, leaseMs);
  }

  transition(jobId: number, transition: Transition, instanceId: string, leaseToken?: string): Promise<Job> {
    return this.leases.transition(jobId, transition, instanceId, leaseToken);
  }

  async saveProgress(jobId: number, leaseToken: string, progress: { cursor: number; docsProcessed: number; docsTotal?: number }): Promise<void> {
    await this.updateOwned(jobId, leaseToken, { ...progress, heartbeatAt: new Date() });
  }

  async savePace(jobId: number, leaseToken: string, pace: JobPace): Promise<void> {
    await this.updateOwned(jobId, leaseToken, { pace: { ...pace } });
  }

  async saveResult(jobId: number, leaseToken: string, result: object): Promise<void> {
    await this.updateOwned(jobId, leaseToken, { result: result });
  }

  async saveRelevance(jobId: number, leaseToken: string, relevance: Readonly<Record<string, unknown>>): Promise<void> {
    await this.updateOwned(jobId, leaseToken, { relevance: relevance as Prisma.InputJsonObject });
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
          reason: `rethrottled by operator: ${paceText(maxDocsPerSecond)} (was ${paceText(was)})`,
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
    const row = await this.prisma.reindexJob.findFirst({ where: { alias, kind: { in: ['FULL', 'PARTIAL'] }, status: { notIn: TERMINAL } }, orderBy: { id: 'asc' } });
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
}
