import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { JobStore } from '../../job-store/job-store.js';

const STATUSES = ['PENDING', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;

/**
 * Prometheus metrics. Job figures are read from MySQL at scrape time, so every
 * replica reports the same cluster-wide truth and nothing is lost on a restart.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(store: JobStore) {
    collectDefaultMetrics({ register: this.registry, prefix: 'reindexer_' });
    new Gauge({
      name: 'reindexer_jobs',
      help: 'Reindex jobs by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const counts = await store.countJobsByStatus();
        for (const status of STATUSES) this.set({ status }, counts[status] ?? 0);
      },
    });
    new Gauge({
      name: 'reindexer_job_documents_processed',
      help: 'Documents written by each running job, with its total when known',
      labelNames: ['job', 'alias', 'phase', 'of'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const job of await store.listJobsByStatus('RUNNING')) {
          this.set({ job: String(job.id), alias: job.alias, phase: job.phase ?? job.kind, of: 'processed' }, job.docsProcessed);
          if (job.docsTotal !== null) this.set({ job: String(job.id), alias: job.alias, phase: job.phase ?? job.kind, of: 'total' }, job.docsTotal);
        }
      },
    });
  }
}
