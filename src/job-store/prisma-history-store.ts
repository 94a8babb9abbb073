import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';
import { DatabaseService } from './database.service.js';
import { HistoryStore, type HistoryCutoff, type PrunedHistory } from './history-store.js';

/** An ended job, by its row `j`: the same words as TERMINAL, in SQL. */
const ENDED = Prisma.sql`j.status IN ('COMPLETED', 'FAILED', 'CANCELLED')`;

/** The history pruning in MySQL: candidates read without locks, then deleted by id, each delete bounded by LIMIT. */
@Injectable()
export class PrismaHistoryStore extends HistoryStore {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  private get prisma() {
    return this.database.prisma;
  }

  async pruneEndedJobs({ endedBefore, keepCompletedPerAlias }: HistoryCutoff, limit: number): Promise<PrunedHistory> {
    const rows = await this.prisma.$queryRaw<{ id: number | bigint }[]>`
      SELECT j.id FROM reindex_jobs j
      WHERE ${ENDED} AND COALESCE(j.finished_at, j.updated_at) < ${endedBefore}
        AND NOT EXISTS (SELECT 1 FROM cluster_migrations m WHERE m.job_id = j.id)
        AND NOT EXISTS (SELECT 1 FROM reindex_run_slots s WHERE s.job_id = j.id)
        AND NOT EXISTS (SELECT 1 FROM index_rollbacks r WHERE r.alias = j.alias AND j.target_index IN (r.from_index, r.to_index))
        AND NOT (j.kind = 'FULL' AND j.status = 'COMPLETED' AND ${keepCompletedPerAlias} > (
          SELECT COUNT(*) FROM reindex_jobs n WHERE n.alias = j.alias AND n.kind = 'FULL' AND n.status = 'COMPLETED' AND n.id > j.id))
      ORDER BY j.id LIMIT ${limit}`;
    if (rows.length === 0) return { jobs: 0, transitions: 0, journalEntries: 0 };
    const ids = Prisma.join(rows.map((row) => Number(row.id)));
    // What hangs off the jobs goes first, in bounded deletes, so the cascade of the last one has nothing left to do.
    // A crash in between leaves ended jobs with part of their history, which the next pass deletes.
    const journalEntries = await this.deleteInBatches((batch) => this.prisma.$executeRaw`DELETE FROM change_journal WHERE job_id IN (${ids}) LIMIT ${batch}`, limit);
    const transitions = await this.deleteInBatches((batch) => this.prisma.$executeRaw`DELETE FROM reindex_job_events WHERE job_id IN (${ids}) LIMIT ${batch}`, limit);
    const jobs = await this.prisma.$executeRaw`DELETE j FROM reindex_jobs j WHERE j.id IN (${ids}) AND ${ENDED}`;
    return { jobs, transitions, journalEntries };
  }

  async sweepEndedJournals(endedBefore: Date, limit: number): Promise<number> {
    // By job, then by the journal's (job_id, ...) index: never a scan of the whole journal.
    const rows = await this.prisma.$queryRaw<{ id: number | bigint }[]>`
      SELECT j.id FROM reindex_jobs j
      WHERE ${ENDED} AND COALESCE(j.finished_at, j.updated_at) < ${endedBefore}
        AND EXISTS (SELECT 1 FROM change_journal c WHERE c.job_id = j.id)
        AND NOT EXISTS (SELECT 1 FROM cluster_migrations m WHERE m.job_id = j.id AND m.active_alias_key IS NOT NULL)
      ORDER BY j.id LIMIT ${limit}`;
    if (rows.length === 0) return 0;
    return this.prisma.$executeRaw`DELETE FROM change_journal WHERE job_id IN (${Prisma.join(rows.map((row) => Number(row.id)))}) LIMIT ${limit}`;
  }

  /** Runs a delete of at most `batch` rows until one deletes fewer; returns the rows deleted. */
  private async deleteInBatches(deleteBatch: (batch: number) => Promise<number>, batch: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const last = await deleteBatch(batch);
      deleted += last;
      if (last < batch) return deleted;
    }
  }
}
