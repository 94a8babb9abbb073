import { collectDefaultMetrics, Registry } from 'prom-client';
import type { AppConfig } from '../../config/index.js';
import type { DriftDetector } from '../../drift/index.js';
import type { DefinitionDeployments } from '../../indexing/index.js';
import type { IndexRegistry } from '../../indices/index.js';
import type { JobStore, MigrationStore, OutboxStore } from '../../job-store/index.js';
import type { ChangePublisher } from '../../live-updates/index.js';
import { Metrics } from '../../metrics/index.js';
import { MetricsService } from './metrics.service.js';

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/**
 * The metric families /metrics exports, read from the registry without a scrape: every family
 * (`all`) and the process figures among them. What the dashboard and the alert rules query is
 * checked against it, so a renamed metric fails a test instead of silently emptying a panel or an alert.
 */
export function exportedMetricFamilies(): { all: ReadonlySet<string>; processFigures: ReadonlySet<string> } {
  const metrics = new Metrics();
  // The gauges read their sources only at scrape time: registering them needs none.
  const none = {};
  new MetricsService(metrics, none as AppConfig, none as JobStore, none as OutboxStore, none as ChangePublisher, none as MigrationStore, none as IndexRegistry, none as DriftDetector, none as DefinitionDeployments);
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults, prefix: 'reindexer_' });
  return {
    all: new Set(metrics.registry.getMetricsAsArray().map((metric) => metric.name)),
    processFigures: new Set(defaults.getMetricsAsArray().map((metric) => metric.name)),
  };
}

/** The reindexer_* families a PromQL expression reads; a histogram's _bucket, _sum and _count series stand for their family. */
export function familiesIn(expression: string, exported: ReadonlySet<string>): string[] {
  return (expression.match(/\breindexer_[a-z0-9_]+/g) ?? []).map((name) => (exported.has(name) ? name : name.replace(HISTOGRAM_SERIES, '')));
}
