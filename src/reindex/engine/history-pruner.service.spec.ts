import type { AppConfig } from '../../config/index.js';
import type { HistoryCutoff, HistoryStore, PrunedHistory } from '../../job-store/index.js';
import { Metrics } from '../../metrics/index.js';
import { HistoryPruner, JOURNAL_GRACE_MS, PRUNE_BATCH } from './history-pruner.service.js';

const DAY_MS = 24 * 3600_000;
const now = new Date('2026-12-07T12:00:00Z');

/** A store whose batches come from `jobBatches` (an Error: MySQL fails) and `journalBatches` in turn (then 0), recording what it was asked. */
function harness(historyDays: number, jobBatches: (number | Error)[], journalBatches: number[]) {
  const asked: string[] = [];
  const store: HistoryStore = {
    pruneEndedJobs: (cutoff: HistoryCutoff, limit: number): Promise<PrunedHistory> => {
      asked.push(`jobs before ${cutoff.endedBefore.toISOString()} keeping ${cutoff.keepCompletedPerAlias} limit ${limit}`);
      const jobs = jobBatches.shift() ?? 0;
      return jobs instanceof Error ? Promise.reject(jobs) : Promise.resolve({ jobs, transitions: 2 * jobs, journalEntries: 0 });
    },
    sweepEndedJournals: (endedBefore: Date, limit: number): Promise<number> => {
      asked.push(`journal before ${endedBefore.toISOString()} limit ${limit}`);
      return Promise.resolve(journalBatches.shift() ?? 0);
    },
  };
  const config = { reindex: { historyDays, retainPrevious: 1, mode: 'run' } } as unknown as AppConfig;
  const metrics = new Metrics();
  return { pruner: new HistoryPruner(config, store, metrics), asked, metrics };
}

async function pruned(metrics: Metrics): Promise<Record<string, number>> {
  const { values } = await metrics.registry.getSingleMetric('reindexer_history_pruned_total')!.get();
  const byKind: Record<string, number> = {};
  for (const { labels, value } of values) byKind[String(labels.kind)] = value;
  return byKind;
}

describe('HistoryPruner', () => {
  it('prunes jobs past the retention batch after batch, keeping REINDEX_RETAIN_PREVIOUS + 1 completed per alias, then sweeps ended journals', async () => {
    const { pruner, asked, metrics } = harness(90, [PRUNE_BATCH, 3], [PRUNE_BATCH, PRUNE_BATCH, 1]);
    await pruner.run(now);

    const jobs = `jobs before ${new Date(now.getTime() - 90 * DAY_MS).toISOString()} keeping 2 limit ${PRUNE_BATCH}`;
    const journal = `journal before ${new Date(now.getTime() - JOURNAL_GRACE_MS).toISOString()} limit ${PRUNE_BATCH}`;
    expect(asked).toEqual([jobs, jobs, journal, journal, journal]);
    expect(await pruned(metrics)).toEqual({ jobs: PRUNE_BATCH + 3, transitions: 2 * (PRUNE_BATCH + 3), journal_entries: 2 * PRUNE_BATCH + 1 });
  });

  it('keeps every job with REINDEX_HISTORY_DAYS=0, and still sweeps the journals nothing replays', async () => {
    const { pruner, asked } = harness(0, [PRUNE_BATCH], [2]);
    await pruner.run(now);

    expect(asked).toEqual([`journal before ${new Date(now.getTime() - JOURNAL_GRACE_MS).toISOString()} limit ${PRUNE_BATCH}`]);
  });

  it('reports a failed pass without throwing, and the next pass runs', async () => {
    const { pruner, asked, metrics } = harness(90, [new Error('MySQL down'), 4], []);
    await expect(pruner.run(now)).resolves.toBeUndefined();
    await pruner.run(now);

    expect(asked.filter((call) => call.startsWith('jobs'))).toHaveLength(2);
    expect((await pruned(metrics)).jobs).toBe(4);
  });
});
