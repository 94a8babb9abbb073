import { randomUUID } from 'node:crypto';
import { RequestActor } from '../common/index.js';
import { Prisma } from '../generated/prisma/client.js';
import type { DatabaseService } from './database.service.js';
import { patchData, TERMINAL, toJob } from './job-rows.js';
import { ConcurrentTransitionError, type ClaimLifecycle, type ClaimRequest } from './job-store.js';
import type { Job, Transition } from './job.js';
import { retryingDeadlocks } from './lock-conflicts.js';
import { RunSlots } from './run-slots.js';

type Tx = Prisma.TransactionClient;

/** A job's lease and run slot in MySQL: the claim, the renewal, and the transitions that end or hand them back. */
export class JobLeases {
  private readonly slots: RunSlots;

  constructor(private readonly database: DatabaseService) {
    this.slots = new RunSlots(database);
  }

  /** Takes the next job a free run slot can run, under a new lease, in one transaction (expired leases first). */
  async claimNext(claim: ClaimRequest, lifecycle: ClaimLifecycle): Promise<Job | null> {
    const { instanceId, slots, leaseMs, definitionHashes, clusterUuids } = claim;
    const onReachableCluster = clusterUuids.length > 0 ? Prisma.sql`(cluster_uuid IS NULL OR cluster_uuid IN (${Prisma.join(clusterUuids)}))` : Prisma.sql`cluster_uuid IS NULL`;
    await this.slots.ensure(slots);
    if (definitionHashes.length === 0) return null;
    // Read committed: a locking read sees a job committed while the claim waited for its lock, and under
    // repeatable read the plain reads that follow it would not (their snapshot is older), failing the claim.
    return retryingDeadlocks(() =>
      this.database.prisma.$transaction(async (tx) => {
        // Lock order, everywhere: run slots, then jobs. Locking every slot row serialises claims across replicas.
        const slotRows = await this.slots.lock(tx, slots);
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
        await this.slots.release(tx, pending.id);
        await this.slots.take(tx, free.slot, pending.id, instanceId, leaseMs);
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

  /** RUNNING jobs whose lease ran out (their replica died) go back to PENDING for any replica to take. */
  private async expireLeases(tx: Tx, lifecycle: ClaimLifecycle): Promise<void> {
    const expired = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM reindex_jobs WHERE status = 'RUNNING' AND lease_expires_at < NOW(3) FOR UPDATE`;
    for (const { id } of expired) {
      const job = toJob(await tx.reindexJob.findUniqueOrThrow({ where: { id } }));
      await this.applyTransition(tx, id, lifecycle.leaseExpired(job), 'lease-sweeper', undefined);
      await this.slots.release(tx, id);
    }
  }

  async renew(jobId: number, leaseToken: string, leaseMs: number): Promise<boolean> {
    const renewed = await this.database.prisma.$executeRaw`
      UPDATE reindex_jobs SET lease_expires_at = NOW(3) + INTERVAL ${leaseMs * 1000} MICROSECOND, heartbeat_at = NOW(3)
      WHERE id = ${jobId} AND status = 'RUNNING' AND lease_token = ${leaseToken}`;
    if (renewed === 0) return false;
    await this.slots.renew(jobId, leaseMs);
    return true;
  }

  /** A transition checked against the job's state (and lease, when given); leaving RUNNING frees its slot. */
  async transition(jobId: number, transition: Transition, instanceId: string, leaseToken?: string): Promise<Job> {
    return retryingDeadlocks(() => this.database.prisma.$transaction((tx) => this.applyTransition(tx, jobId, transition, instanceId, leaseToken)));
  }

  private async applyTransition(tx: Tx, jobId: number, transition: Transition, instanceId: string, leaseToken: string | undefined): Promise<Job> {
    const { from, to, reason, patch } = transition;
    const leavesRunning = from.status === 'RUNNING' && to.status !== 'RUNNING';
    // Slots before the job, as a claim locks them: the opposite order deadlocks against a claim.
    if (leavesRunning) await this.slots.lock(tx);
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
      await this.slots.release(tx, jobId);
    }
    await tx.reindexJobEvent.create({
      data: { jobId, fromStatus: from.status, toStatus: to.status, fromPhase: from.phase, toPhase: to.phase, reason, instanceId, actor: RequestActor.current() },
    });
    return toJob(await tx.reindexJob.findUniqueOrThrow({ where: { id: jobId } }));
  }
}
