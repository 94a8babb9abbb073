import { createPool, type Pool } from 'mariadb';
import type { JobKind, JobPhase, JobStatus } from '../../src/job-store/job.js';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';

export interface JobRow {
  readonly id: number;
  readonly alias: string;
  readonly kind: JobKind;
  readonly trigger: 'DEPLOY' | 'SCHEDULE' | 'MANUAL';
  readonly status: JobStatus;
  readonly phase: JobPhase | null;
  readonly definitionHash: string;
  readonly sourceIndex: string | null;
  readonly targetIndex: string | null;
  readonly cursor: number;
  readonly docsProcessed: number;
  readonly docsTotal: number | null;
  readonly retries: number;
  readonly lastError: string | null;
  readonly leaseOwner: string | null;
  readonly pausedBy: string | null;
}

export interface TransitionRow {
  readonly id: number;
  readonly fromStatus: JobStatus | null;
  readonly toStatus: JobStatus;
  readonly fromPhase: JobPhase | null;
  readonly toPhase: JobPhase | null;
  readonly reason: string;
  readonly instanceId: string;
  readonly createdAt: Date;
}

const JOB_COLUMNS = `id, alias, kind, \`trigger\`, status, phase, definition_hash AS definitionHash, source_index AS sourceIndex, target_index AS targetIndex, \`cursor\`,
  docs_processed AS docsProcessed, docs_total AS docsTotal, retries, last_error AS lastError, lease_owner AS leaseOwner, paused_by AS pausedBy`;

const ENDED: readonly JobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/**
 * Reads jobs and their transitions straight from a test's MySQL database, as the
 * service persisted them, on a small pool of its own (tests poll it every few ms).
 */
export class JobRows {
  private constructor(private readonly pool: Pool) {}

  static connect(databaseUrl: string): JobRows {
    return new JobRows(createPool(poolConfigFromUrl(databaseUrl, { connectionLimit: 3 })));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.pool.query<T[]>(sql, params);
  }

  /** A VERIFY or SYNC job's report, parsed; null until it completed. */
  async result<T = Record<string, unknown>>(id: number): Promise<T | null> {
    const [row] = await this.query<{ result: T | string | null }>('SELECT result FROM reindex_jobs WHERE id = ?', [id]);
    // The driver parses a JSON column it knows as such, and hands over the text of one it does not.
    return typeof row?.result === 'string' ? (JSON.parse(row.result) as T) : (row?.result ?? null);
  }

  async job(id: number): Promise<JobRow> {
    const [row] = await this.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM reindex_jobs WHERE id = ?`, [id]);
    if (!row) throw new Error(`no job ${id}`);
    return row;
  }

  jobs(alias?: string): Promise<JobRow[]> {
    return alias === undefined
      ? this.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM reindex_jobs ORDER BY id`)
      : this.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM reindex_jobs WHERE alias = ? ORDER BY id`, [alias]);
  }

  transitions(jobId: number): Promise<TransitionRow[]> {
    return this.query<TransitionRow>(
      `SELECT id, from_status AS fromStatus, to_status AS toStatus, from_phase AS fromPhase, to_phase AS toPhase, reason, instance_id AS instanceId, created_at AS createdAt
       FROM reindex_job_events WHERE job_id = ? ORDER BY id`,
      [jobId],
    );
  }

  /**
   * Polls the job until `accept` returns a value; fails at once when the job ends
   * without being accepted (no point waiting for a phase a failed job never reaches).
   */
  async waitForJob<T>(id: number, what: string, accept: (job: JobRow) => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 20): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: JobRow | undefined;
    while (Date.now() < deadline) {
      last = await this.job(id);
      const accepted = await accept(last);
      if (accepted !== undefined) return accepted;
      if (ENDED.includes(last.status)) throw new Error(`job ${id} ended ${last.status} (${last.lastError ?? 'no error'}) while waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for job ${id}: ${what}; last seen ${JSON.stringify(last)}`);
  }

  waitForStatus(id: number, status: JobStatus, timeoutMs = 60_000): Promise<JobRow> {
    return this.waitForJob(id, `status ${status}`, (job) => (job.status === status ? job : undefined), timeoutMs, 100);
  }
}
