import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { projectRoot } from '../../common/index.js';
import type { AppConfig } from '../../config/index.js';
import type { DriftDetector } from '../../drift/index.js';
import type { IndexRegistry } from '../../indices/index.js';
import type { JobStore, MigrationStore, OutboxStore } from '../../job-store/index.js';
import type { ChangePublisher } from '../../live-updates/index.js';
import { Metrics } from '../../metrics/index.js';
import { MetricsService } from './metrics.service.js';

interface Dashboard {
  readonly panels: readonly { readonly targets?: readonly { readonly expr: string }[] }[];
}

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

describe('docs/grafana/reindexer.json', () => {
  const metrics = new Metrics();
  new MetricsService(metrics, {} as AppConfig, {} as JobStore, {} as OutboxStore, {} as ChangePublisher, {} as MigrationStore, {} as IndexRegistry, {} as DriftDetector);
  const registered = new Set(metrics.registry.getMetricsAsArray().map((metric) => metric.name));
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults, prefix: 'reindexer_' });
  const processFigures = new Set(defaults.getMetricsAsArray().map((metric) => metric.name));

  const dashboard = JSON.parse(readFileSync(join(projectRoot(), 'docs/grafana/reindexer.json'), 'utf8')) as Dashboard;
  const queried = new Set(
    dashboard.panels
      .flatMap((panel) => panel.targets ?? [])
      .flatMap((target) => target.expr.match(/\breindexer_[a-z0-9_]+/g) ?? [])
      .map((name) => (registered.has(name) ? name : name.replace(HISTOGRAM_SERIES, ''))),
  );

  it('queries only metrics the service exports', () => {
    expect([...queried].filter((name) => !registered.has(name))).toEqual([]);
  });

  it("shows every one of the service's own metric families", () => {
    const own = [...registered].filter((name) => !processFigures.has(name));
    expect(own.sort()).toEqual([
      'reindexer_bulk_document_failures_total',
      'reindexer_bulk_request_failures_total',
      'reindexer_documents_written_total',
      'reindexer_job_documents_per_second',
      'reindexer_job_documents_processed',
      'reindexer_job_pace_documents_per_second',
      'reindexer_job_pace_state',
      'reindexer_job_search_latency_ratio',
      'reindexer_jobs',
      'reindexer_live_change_lag_seconds',
      'reindexer_live_changes_total',
      'reindexer_migration_mirror_backlog',
      'reindexer_migration_mirror_lag_seconds',
      'reindexer_migration_reads_next_percent',
      'reindexer_migration_state',
      'reindexer_opensearch_request_duration_seconds',
      'reindexer_outbox_backlog',
      'reindexer_outbox_oldest_age_seconds',
      'reindexer_phase_duration_seconds',
      'reindexer_queue_messages',
      'reindexer_unmanaged_index',
    ]);
    expect(own.filter((name) => !queried.has(name))).toEqual([]);
  });
});
