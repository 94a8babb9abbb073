import { DatabaseService } from '../../src/job-store/database.service.js';
import { PrismaHistoryStore } from '../../src/job-store/prisma-history-store.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { HistoryPruner, JOURNAL_GRACE_MS, PRUNE_BATCH } from '../../src/reindex/engine/history-pruner.service.js';
import { TestContext } from '../support/test-context.js';

const HASH = 'a'.repeat(64);
const DAY_MS = 24 * 3600_000;

interface NewRow {
  readonly alias: string;
  readonly status: 'PENDING' | 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  readonly kind?: 'FULL' | 'PARTIAL';
  /** How long ago the job ended (null while it has not), or was created when it has not. */
  readonly ageMs: number;
  readonly target?: string;
  readonly source?: string;
}

/**
 * REINDEX_HISTORY_DAYS against MariaDB: rows written as the service writes them, backdated, then
 * a pruning pass (two at once, as two replicas would run them) at a fixed `now`.
 */
describe('history pruning (REINDEX_HISTORY_DAYS)', () => {
  let context: TestContext;
  let database: DatabaseService;
  const now = new Date();

  beforeAll(async () => {
    context = await TestContext.create('history', { demoSchema: false });
    database = new DatabaseService(context.config());
  });
  afterAll(async () => {
    await database?.onApplicationShutdown();
    await context?.dispose();
  });

  function pruner(overrides: Record<string, string> = {}): { pruner: HistoryPruner; metrics: Metrics } {
    const metrics = new Metrics();
    const config = context.config({ REINDEX_HISTORY_DAYS: '90', REINDEX_RETAIN_PREVIOUS: '0', ...overrides });
    return { pruner: new HistoryPruner(config, new PrismaHistoryStore(database), metrics), metrics };
  }

  async function job(row: NewRow, events = 2, journal = 0): Promise<number> {
    const ended = ['COMPLETED', 'FAILED', 'CANCELLED'].includes(row.status);
    const at = new Date(now.getTime() - row.ageMs);
    const inserted = await context.sql<never>(
      `INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, definition_hash, source_index, target_index, finished_at, created_at, updated_at)
       VALUES (?, ?, 'MANUAL', ?, ?, ?, ?, ?, ?, ?)`,
      [row.alias, row.kind ?? 'FULL', row.status, HASH, row.source ?? null, row.target ?? null, ended ? at : null, at, at],
    );
    const id = Number((inserted as unknown as { insertId: bigint }).insertId);
    for (let n = 0; n < events; n++) {
      await context.sql(`INSERT INTO reindex_job_events (job_id, to_status, reason, instance_id, created_at) VALUES (?, ?, 'test', 'test', ?)`, [id, row.status, at]);
    }
    if (journal > 0) {
      const values = Array.from({ length: journal }, (_, n) => [id, HASH, row.alias, String(n)]);
      await context.sql(`INSERT INTO change_journal (job_id, definition, definition_hash, target, document_id, reason) VALUES ${values.map(() => "(?, 'events', ?, ?, ?, 'test')").join(', ')}`, values.flat());
    }
    return id;
  }

  async function count(table: string, where: string, params: unknown[]): Promise<number> {
    const [row] = await context.sql<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
    return Number(row.n);
  }

  /** reindexer_history_pruned_total of `kind`, summed over the replicas' registries. */
  async function prunedAcross(registries: Metrics[], kind: string): Promise<number> {
    let sum = 0;
    for (const { registry } of registries) {
      const { values } = await registry.getSingleMetric('reindexer_history_pruned_total')!.get();
      sum += values.find((value) => value.labels.kind === kind)?.value ?? 0;
    }
    return sum;
  }

  const exists = async (id: number) => (await count('reindex_jobs', 'id = ?', [id])) === 1;
  const transitions = (id: number) => count('reindex_job_events', 'job_id = ?', [id]);
  const journal = (id: number) => count('change_journal', 'job_id = ?', [id]);

  it('prunes old ended jobs with their transitions and journal, keeps recent and active ones, and counts what went', async () => {
    const oldCompleted = await job({ alias: 'a', status: 'COMPLETED', ageMs: 200 * DAY_MS, target: 'a_v1' });
    const oldFailed = await job({ alias: 'a', status: 'FAILED', ageMs: 120 * DAY_MS, target: 'a_v2' }, 3, 4);
    const oldCancelled = await job({ alias: 'a', status: 'CANCELLED', kind: 'PARTIAL', ageMs: 100 * DAY_MS });
    const recentCompleted = await job({ alias: 'a', status: 'COMPLETED', ageMs: 10 * DAY_MS, target: 'a_v3', source: 'a_v1' });
    const oldRunning = await job({ alias: 'a', status: 'RUNNING', ageMs: 200 * DAY_MS, target: 'a_v4' }, 2, 3);
    const oldPaused = await job({ alias: 'a', status: 'PAUSED', kind: 'PARTIAL', ageMs: 200 * DAY_MS });
    const oldPending = await job({ alias: 'b', status: 'PENDING', ageMs: 200 * DAY_MS });

    const replicas = [pruner(), pruner()];
    // Two replicas' passes at once: each row goes once, neither fails.
    await Promise.all(replicas.map(({ pruner: pass }) => pass.run(now)));

    for (const id of [oldCompleted, oldFailed, oldCancelled]) {
      expect(await exists(id)).toBe(false);
      expect(await transitions(id)).toBe(0);
      expect(await journal(id)).toBe(0);
    }
    for (const id of [recentCompleted, oldRunning, oldPaused, oldPending]) expect(await exists(id)).toBe(true);
    expect(await transitions(recentCompleted)).toBe(2);
    expect([await transitions(oldRunning), await journal(oldRunning)]).toEqual([2, 3]);
    expect(await prunedAcross(replicas.map((replica) => replica.metrics), 'jobs')).toBe(3);
    expect(await prunedAcross(replicas.map((replica) => replica.metrics), 'transitions')).toBe(7);
  });

  it('keeps the completed jobs a rollback reads, whatever their age, and the newest completed one of each alias', async () => {
    const v1 = await job({ alias: 'r', status: 'COMPLETED', ageMs: 300 * DAY_MS, target: 'r_v1' });
    const v2 = await job({ alias: 'r', status: 'COMPLETED', ageMs: 250 * DAY_MS, target: 'r_v2', source: 'r_v1' });
    const v3 = await job({ alias: 'r', status: 'COMPLETED', ageMs: 200 * DAY_MS, target: 'r_v3', source: 'r_v2' });
    const v4 = await job({ alias: 'r', status: 'COMPLETED', ageMs: 150 * DAY_MS, target: 'r_v4', source: 'r_v3' });
    // The alias went back from r_v4 to r_v3: a further rollback from r_v3 reads the job that built it.
    await context.sql(`INSERT INTO index_rollbacks (alias, from_index, to_index, held_definition_hash, instance_id) VALUES ('r', 'r_v4', 'r_v3', ?, 'test')`, [HASH]);

    await pruner().pruner.run(now);

    expect([await exists(v1), await exists(v2), await exists(v3), await exists(v4)]).toEqual([false, false, true, true]);
  });

  it('keeps the newest REINDEX_RETAIN_PREVIOUS + 1 completed FULL jobs of an alias for rollback', async () => {
    const ids = [];
    for (const [n, days] of [400, 350, 300, 250].entries()) ids.push(await job({ alias: 'k', status: 'COMPLETED', ageMs: days * DAY_MS, target: `k_v${n + 1}` }));

    await pruner({ REINDEX_RETAIN_PREVIOUS: '2' }).pruner.run(now);

    expect(await Promise.all(ids.map(exists))).toEqual([false, true, true, true]);
  });

  it("keeps the job a cluster migration names, and sweeps its journal only once the migration has ended", async () => {
    const mirroring = await job({ alias: 'm', status: 'COMPLETED', ageMs: 200 * DAY_MS, target: 'm_v1' }, 2, 5);
    const aborted = await job({ alias: 'n', status: 'COMPLETED', ageMs: 200 * DAY_MS, target: 'n_v1' }, 2, 5);
    await context.sql(
      `INSERT INTO cluster_migrations (alias, from_cluster_uuid, to_cluster_uuid, state, job_id, active_alias_key, updated_at, ended_at) VALUES
       ('m', 'old', 'next', 'MIRRORING', ?, 'm', NOW(3), NULL), ('n', 'old', 'next', 'ABORTED', ?, NULL, NOW(3), NOW(3))`,
      [mirroring, aborted],
    );
    // Newer completed jobs, so that the newest-per-alias rule does not keep them.
    await job({ alias: 'm', status: 'COMPLETED', ageMs: DAY_MS, target: 'm_v2' });
    await job({ alias: 'n', status: 'COMPLETED', ageMs: DAY_MS, target: 'n_v2' });

    await pruner().pruner.run(now);

    expect([await exists(mirroring), await transitions(mirroring), await journal(mirroring)]).toEqual([true, 2, 5]);
    expect([await exists(aborted), await transitions(aborted), await journal(aborted)]).toEqual([true, 2, 0]);
  });

  it('sweeps the journal of jobs that ended past the grace, also with REINDEX_HISTORY_DAYS=0, and keeps the jobs', async () => {
    const endedHoursAgo = await job({ alias: 'j', status: 'FAILED', ageMs: JOURNAL_GRACE_MS + 3600_000, target: 'j_v1' }, 2, 7);
    const endedJustNow = await job({ alias: 'j', status: 'CANCELLED', ageMs: 60_000, target: 'j_v2' }, 2, 3);
    const ancient = await job({ alias: 'j', status: 'FAILED', ageMs: 1000 * DAY_MS, target: 'j_v0' }, 2, 1);

    await pruner({ REINDEX_HISTORY_DAYS: '0' }).pruner.run(now);

    expect([await exists(endedHoursAgo), await transitions(endedHoursAgo), await journal(endedHoursAgo)]).toEqual([true, 2, 0]);
    expect(await journal(endedJustNow)).toBe(3);
    // 0 keeps every job forever.
    expect([await exists(ancient), await journal(ancient)]).toEqual([true, 0]);
  });

  it(`deletes in batches of ${PRUNE_BATCH} until nothing old is left`, async () => {
    const total = PRUNE_BATCH * 2 + 17;
    const at = new Date(now.getTime() - 200 * DAY_MS);
    const values = Array.from({ length: total }, () => "('bulk', 'PARTIAL', 'MANUAL', 'CANCELLED', ?, ?, ?, ?)");
    await context.sql(
      `INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, definition_hash, finished_at, created_at, updated_at) VALUES ${values.join(', ')}`,
      Array.from({ length: total }, () => [HASH, at, at, at]).flat(),
    );
    await context.sql(`INSERT INTO reindex_job_events (job_id, to_status, reason, instance_id) SELECT id, 'CANCELLED', 'bulk', 'test' FROM reindex_jobs WHERE alias = 'bulk'`);

    const { pruner: pass, metrics } = pruner();
    await pass.run(now);

    expect(await count('reindex_jobs', "alias = 'bulk'", [])).toBe(0);
    // Jobs that an earlier case kept under REINDEX_HISTORY_DAYS=0 may go with them.
    expect(await prunedAcross([metrics], 'jobs')).toBeGreaterThanOrEqual(total);
  });
});
