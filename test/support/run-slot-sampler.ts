import { createConnection, type Connection } from 'mariadb';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';

export interface RunSlotSample {
  /** reindex_jobs rows with status RUNNING. */
  readonly running: number;
  /** Run slots holding a job. */
  readonly held: number;
  /** RUNNING jobs without a run slot (must never happen: claim and release are one transaction each). */
  readonly unslotted: number;
  /** Run slot rows. */
  readonly slots: number;
}

/**
 * Samples the job and run-slot tables every `intervalMs` on one connection, each
 * sample one statement (one consistent read), until stopped.
 */
export class RunSlotSampler {
  readonly samples: RunSlotSample[] = [];
  private running = true;
  private failure: Error | null = null;
  private readonly done: Promise<void>;

  private constructor(
    private readonly connection: Connection,
    intervalMs: number,
  ) {
    this.done = this.loop(intervalMs);
  }

  static async start(databaseUrl: string, intervalMs = 50): Promise<RunSlotSampler> {
    return new RunSlotSampler(await createConnection(poolConfigFromUrl(databaseUrl)), intervalMs);
  }

  private async loop(intervalMs: number): Promise<void> {
    try {
      await this.sampleUntilStopped(intervalMs);
    } catch (error) {
      this.failure = error as Error;
    } finally {
      await this.connection.end().catch(() => undefined);
    }
  }

  private async sampleUntilStopped(intervalMs: number): Promise<void> {
    while (this.running) {
      const [sample] = await this.connection.query<RunSlotSample[]>(`SELECT
          (SELECT COUNT(*) FROM reindex_jobs WHERE status = 'RUNNING') AS running,
          (SELECT COUNT(*) FROM reindex_run_slots WHERE job_id IS NOT NULL) AS held,
          (SELECT COUNT(*) FROM reindex_jobs j WHERE j.status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM reindex_run_slots s WHERE s.job_id = j.id)) AS unslotted,
          (SELECT COUNT(*) FROM reindex_run_slots) AS slots`);
      this.samples.push({ running: Number(sample.running), held: Number(sample.held), unslotted: Number(sample.unslotted), slots: Number(sample.slots) });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** Stops sampling; throws if a sample failed (the samples would not cover the run). */
  async stop(): Promise<RunSlotSample[]> {
    this.running = false;
    await this.done;
    if (this.failure) throw new Error(`sampling stopped early: ${this.failure.message}`);
    return this.samples;
  }

  max(field: keyof RunSlotSample): number {
    return Math.max(0, ...this.samples.map((sample) => sample[field]));
  }
}
