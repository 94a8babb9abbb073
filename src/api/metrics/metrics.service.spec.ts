import type { AppConfig } from '../../config/index.js';
import type { DriftDetector } from '../../drift/index.js';
import type { DefinitionDeployments } from '../../indexing/index.js';
import type { IndexDefinition, IndexRegistry } from '../../indices/index.js';
import type { ClusterMigration, Job, JobStore, MigrationStore, OutboxStore } from '../../job-store/index.js';
import type { ChangePublisher } from '../../live-updates/index.js';
import { Metrics } from '../../metrics/index.js';
import { MetricsService } from './metrics.service.js';

const backfilling = {
  id: 7,
  alias: 'events',
  kind: 'FULL',
  status: 'RUNNING',
  phase: 'BACKFILL',
  phaseStartedAt: new Date(Date.now() - 10_000),
  docsProcessed: 1000,
  docsTotal: 5000,
  maxDocsPerSecond: null,
  pace: { state: 'holding', docsPerSecond: 80, searchP99Ms: 30, baselineP99Ms: 20 },
} as unknown as Job;

const paused = { id: 8, alias: 'venues', kind: 'FULL', status: 'PAUSED', phase: 'BACKFILL', pausedAt: new Date(Date.now() - 600_000), pausedBy: 'operator' } as unknown as Job;

/** A MetricsService over fakes; `queues` fails to show that a source that does not answer leaves its gauge out. */
function scrapeOf(options: { queuesFail?: boolean } = {}) {
  const store = {
    countJobsByStatus: () => Promise.resolve({ RUNNING: 1, COMPLETED: 3 }),
    listJobsByStatus: (status: string) => Promise.resolve(status === 'RUNNING' ? [backfilling] : [paused]),
    journalBacklog: () => Promise.resolve({ entries: 4, oldestAgeSeconds: 12 }),
  } as unknown as JobStore;
  const outbox = { backlog: () => Promise.resolve({ rows: 2, oldestAgeSeconds: null }) } as unknown as OutboxStore;
  const publisher = {
    queueDepths: () => (options.queuesFail ? Promise.reject(new Error('broker down')) : Promise.resolve({ live: 5, retry: 0, dead_letter: 1 })),
  } as unknown as ChangePublisher;
  const migration = { alias: 'events', state: 'MIRRORING', readsNextPercent: 25, jobId: 9, toClusterUuid: 'next' } as unknown as ClusterMigration;
  const migrations = { listActive: () => Promise.resolve([migration]) } as unknown as MigrationStore;
  const definition = { name: 'events' } as unknown as IndexDefinition;
  const registry = { all: () => [definition], aliasFor: () => 'events' } as unknown as IndexRegistry;
  const drift = { isUnmanaged: () => Promise.resolve(false) } as unknown as DriftDetector;
  const config = { reindex: { pace: 'auto', maxDocsPerSecond: 500 } } as unknown as AppConfig;
  const deployed = [{ alias: 'events', definitionHash: 'old' }, { alias: 'events', definitionHash: 'new' }, { alias: 'venues', definitionHash: 'one' }];
  const deployments = { liveDefinitions: () => Promise.resolve(deployed) } as unknown as DefinitionDeployments;
  const service = new MetricsService(new Metrics(), config, store, outbox, publisher, migrations, registry, drift, deployments);
  return service.scrape();
}

describe('MetricsService', () => {
  it('fills every gauge family at scrape time from its source', async () => {
    const page = await scrapeOf();

    for (const line of [
      'reindexer_jobs{status="RUNNING"} 1',
      'reindexer_jobs{status="COMPLETED"} 3',
      'reindexer_jobs{status="FAILED"} 0',
      'reindexer_job_documents_processed{job="7",alias="events",phase="BACKFILL",of="processed"} 1000',
      'reindexer_job_documents_processed{job="7",alias="events",phase="BACKFILL",of="total"} 5000',
      'reindexer_job_pace_documents_per_second{job="7",alias="events",set_by="auto"} 80',
      'reindexer_job_pace_state{job="7",alias="events",state="holding"} 1',
      'reindexer_job_search_latency_ratio{job="7",alias="events"} 1.5',
      'reindexer_outbox_backlog 2',
      'reindexer_outbox_oldest_age_seconds 0',
      'reindexer_migration_state{alias="events",state="MIRRORING"} 1',
      'reindexer_migration_reads_next_percent{alias="events"} 25',
      'reindexer_migration_mirror_backlog{alias="events"} 4',
      'reindexer_migration_mirror_lag_seconds{alias="events"} 12',
      'reindexer_unmanaged_index{alias="events"} 0',
      'reindexer_queue_messages{queue="live"} 5',
      'reindexer_queue_messages{queue="dead_letter"} 1',
      'reindexer_deployed_definitions{alias="events"} 2',
      'reindexer_deployed_definitions{alias="venues"} 1',
    ]) {
      expect(page).toContain(`\n${line}\n`);
    }
    expect(page).toMatch(/\nreindexer_job_paused_seconds\{job="8",alias="venues",paused_by="operator"\} 60\d(\.\d+)?\n/);
    expect(page).toMatch(/\nreindexer_job_documents_per_second\{job="7",alias="events"\} 80\n/);
  });

  it('leaves out of the scrape a gauge whose source does not answer, and keeps the others', async () => {
    const page = await scrapeOf({ queuesFail: true });

    expect(page).not.toContain('reindexer_queue_messages{');
    expect(page).toContain('\nreindexer_outbox_backlog 2\n');
  });
});
