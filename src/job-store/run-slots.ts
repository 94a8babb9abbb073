import { Prisma } from '../generated/prisma/client.js';
import type { DatabaseService } from './database.service.js';

type Tx = Prisma.TransactionClient;

/**
 * The SQL of the run slots (`reindex_run_slots`): at most that many jobs run across replicas. Lock
 * order, everywhere: run slots, then jobs.
 */
export class RunSlots {
  private readonly ensured = new Set<number>();

  constructor(private readonly database: DatabaseService) {}

  /** Creates the slot rows up to `slots` once per count on this replica. */
  async ensure(slots: number): Promise<void> {
    if (this.ensured.has(slots)) return;
    const values = Prisma.join(Array.from({ length: slots }, (_, slot) => Prisma.sql`(${slot})`));
    await this.database.prisma.$executeRaw`INSERT IGNORE INTO reindex_run_slots (slot) VALUES ${values}`;
    this.ensured.add(slots);
  }

  /** Locks the slot rows (the first `slots`, or all), in slot order. */
  async lock(tx: Tx, slots?: number): Promise<{ slot: number; jobId: number | null }[]> {
    return slots === undefined
      ? tx.$queryRaw`SELECT slot, job_id AS jobId FROM reindex_run_slots ORDER BY slot FOR UPDATE`
      : tx.$queryRaw`SELECT slot, job_id AS jobId FROM reindex_run_slots WHERE slot < ${slots} ORDER BY slot FOR UPDATE`;
  }

  /** The slot holds the job under this replica's lease. */
  async take(tx: Tx, slot: number, jobId: number, instanceId: string, leaseMs: number): Promise<void> {
    await tx.$executeRaw`
      UPDATE reindex_run_slots SET job_id = ${jobId}, lease_owner = ${instanceId},
        lease_expires_at = NOW(3) + INTERVAL ${leaseMs * 1000} MICROSECOND
      WHERE slot = ${slot}`;
  }

  /** Frees the run slot the job holds, if any; within the caller's transaction, once it holds the slots' locks. */
  async release(tx: Tx, jobId: number): Promise<void> {
    await tx.$executeRaw`UPDATE reindex_run_slots SET job_id = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE job_id = ${jobId}`;
  }

  /** The slot's lease follows the job's. */
  async renew(jobId: number, leaseMs: number): Promise<void> {
    await this.database.prisma.$executeRaw`
      UPDATE reindex_run_slots SET lease_expires_at = NOW(3) + INTERVAL ${leaseMs * 1000} MICROSECOND WHERE job_id = ${jobId}`;
  }
}
