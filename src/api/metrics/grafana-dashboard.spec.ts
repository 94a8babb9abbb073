import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../common/index.js';
import { exportedMetricFamilies, familiesIn } from './exported-metrics.js';

interface Dashboard {
  readonly panels: readonly { readonly targets?: readonly { readonly expr: string }[] }[];
}

describe('docs/grafana/reindexer.json', () => {
  const { all: registered, processFigures } = exportedMetricFamilies();

  const dashboard = JSON.parse(readFileSync(join(projectRoot(), 'docs/grafana/reindexer.json'), 'utf8')) as Dashboard;
  const queried = new Set(
    dashboard.panels
      .flatMap((panel) => panel.targets ?? [])
      .flatMap((target) => familiesIn(target.expr, registered)),
  );

  it('queries only metrics the service exports', () => {
    expect([...queried].filter((name) => !registered.has(name))).toEqual([]);
  });

  it("shows every one of the service's own metric families", () => {
    const own = [...registered].filter((name) => !processFigures.has(name));
    expect(own.sort()).toEqual([
      'reindexer_bulk_document_failures_total',
      'reindexer_bulk_request_failures_total',
      'reindexer_deployed_definitions',
      'reindexer_documents_written_total',
      'reindexer_history_pruned_total',
      'reindexer_job_documents_per_second',
      'reindexer_job_documents_processed',
      'reindexer_job_pace_documents_per_second',
      'reindexer_job_pace_state',
      'reindexer_job_paused_seconds',
      'reindexer_job_search_latency_ratio',
      'reindexer_jobs',
      'reindexer_jobs_failed_total',
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
      'reindexer_relevance_gate_total',
      'reindexer_relevance_score',
      'reindexer_unmanaged_index',
    ]);
    expect(own.filter((name) => !queried.has(name))).toEqual([]);
  });
});
