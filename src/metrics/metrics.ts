import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ClusterRole } from '../config/index.js';
import { histogramQuantile, type CumulativeBucket } from './histogram-quantile.js';

/** Where a write went: the index an alias serves, or an index a FULL job is building. */
export type WriteTarget = 'live' | 'build';
export type LiveChangeSource = 'rabbitmq' | 'outbox';
/** applied: written and acked (or deleted from the outbox); requeued: handed back to the broker unsettled. */
export type LiveChangeOutcome = 'applied' | 'retried' | 'dead_lettered' | 'requeued';
/** Rows a history pruning pass deleted: ended jobs, their transitions, and journal entries. */
export type PrunedKind = 'jobs' | 'transitions' | 'journal_entries';

/** The totals of the last relevance comparison of an alias, as gauges (src/relevance). */
export type RelevanceScore = 'rbo' | 'jaccard' | 'ndcg_current' | 'ndcg_next' | 'mrr_current' | 'mrr_next';

const LIVE_CHANGE_SOURCES: readonly LiveChangeSource[] = ['rabbitmq', 'outbox'];
const LIVE_CHANGE_OUTCOMES: readonly LiveChangeOutcome[] = ['applied', 'retried', 'dead_lettered', 'requeued'];

/** Publish-to-written lag of one source: count and sum, for means over any interval, and quantiles since start. */
export interface LagFigures {
  readonly count: number;
  readonly sumSeconds: number;
  readonly p50Seconds: number | null;
  readonly p95Seconds: number | null;
}

/** What this replica's live changes did since it started, read from the same instruments /metrics exports. */
export interface LiveChangeFigures {
  readonly changes: Record<LiveChangeSource, Record<LiveChangeOutcome, number>>;
  readonly lag: Record<LiveChangeSource, LagFigures>;
}

/** From a quick live write to a rebuild's BACKFILL of hours. */
const PHASE_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400];
/** Publish-to-written: sub-second normally; tens of seconds behind retries, minutes in an outage. */
const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The service's Prometheus registry and the instruments the parts feed as things happen.
 * Labels stay bounded: aliases (one per index definition), phases, operations, outcomes;
 * never a document id, and a job id only on the scrape-time gauges of running jobs.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private readonly documentsWritten = new Counter({
    name: 'reindexer_documents_written_total',
    help: 'Documents OpenSearch accepted in _bulk requests, by cluster (current, next), alias and target (live: the serving index; build: an index a FULL job builds)',
    labelNames: ['cluster', 'index', 'target'],
    registers: [this.registry],
  });
  private readonly bulkDocumentFailures = new Counter({
    name: 'reindexer_bulk_document_failures_total',
    help: 'Documents a _bulk request rejected, by cluster, alias, target and reason (throttled: 429; rejected: any other status)',
    labelNames: ['cluster', 'index', 'target', 'reason'],
    registers: [this.registry],
  });
  private readonly bulkRequestFailures = new Counter({
    name: 'reindexer_bulk_request_failures_total',
    help: '_bulk requests that failed as a whole (network, 5xx, 429 on the request), by cluster, alias and target',
    labelNames: ['cluster', 'index', 'target'],
    registers: [this.registry],
  });
  private readonly phaseDuration = new Histogram({
    name: 'reindexer_phase_duration_seconds',
    help: 'Time from the start of a job phase (persisted, so retries, pauses and takeovers included) to its completion; PARTIAL for a partial job',
    labelNames: ['alias', 'phase'],
    buckets: PHASE_BUCKETS,
    registers: [this.registry],
  });
  private readonly liveChanges = new Counter({
    name: 'reindexer_live_changes_total',
    help: 'Live changes consumed, by source and outcome (applied, retried, dead_lettered, requeued)',
    labelNames: ['source', 'outcome'],
    registers: [this.registry],
  });
  private readonly liveChangeLag = new Histogram({
    name: 'reindexer_live_change_lag_seconds',
    help: 'From publication (the message timestamp, or the outbox row insert) to the live write, retries included',
    labelNames: ['source'],
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });
  private readonly openSearchRequests = new Histogram({
    name: 'reindexer_opensearch_request_duration_seconds',
    help: 'OpenSearch requests by cluster (current, next), gateway operation and outcome (ok, error)',
    labelNames: ['cluster', 'operation', 'outcome'],
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });

  private readonly jobsFailed = new Counter({
    name: 'reindexer_jobs_failed_total',
    help: 'Jobs this replica ended FAILED (a FULL job that gave up before its swap, a PARTIAL job that gave up), by alias',
    labelNames: ['alias'],
    registers: [this.registry],
  });
  private readonly historyPruned = new Counter({
    name: 'reindexer_history_pruned_total',
    help: 'Rows the history pruning deleted (REINDEX_HISTORY_DAYS), by kind: jobs, transitions, journal_entries',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  private readonly relevanceScores = new Gauge({
    name: 'reindexer_relevance_score',
    help: 'The last relevance comparison of an alias, by score: mean RBO and Jaccard of the top 10 (current vs next), and mean nDCG@10 and MRR@10 of the judged queries on each side',
    labelNames: ['alias', 'score'],
    registers: [this.registry],
  });

  /** A score the comparison could not give (no judged query) is removed, not left at its last value. */
  relevanceCompared(alias: string, scores: Readonly<Record<RelevanceScore, number | null>>): void {
    for (const [score, value] of Object.entries(scores)) {
      if (value === null) this.relevanceScores.remove({ alias, score });
      else this.relevanceScores.set({ alias, score }, value);
    }
  }

  private readonly relevanceGates = new Counter({
    name: 'reindexer_relevance_gate_total',
    help: "The relevance gate's judgements of candidates before a swap or a migration's cutover, by outcome: passed, blocked (waits for an operator), reported (crossed on derived queries, which only report), approved (crossed, let through by an operator)",
    labelNames: ['alias', 'outcome'],
    registers: [this.registry],
  });

  relevanceGateJudged(alias: string, outcome: 'passed' | 'blocked' | 'reported' | 'approved'): void {
    this.relevanceGates.inc({ alias, outcome });
  }

  bulkAnswered(cluster: ClusterRole, index: string, target: WriteTarget, result: { written: number; throttled: number; rejected: number }): void {
    if (result.written > 0) this.documentsWritten.inc({ cluster, index, target }, result.written);
    if (result.throttled > 0) this.bulkDocumentFailures.inc({ cluster, index, target, reason: 'throttled' }, result.throttled);
    if (result.rejected > 0) this.bulkDocumentFailures.inc({ cluster, index, target, reason: 'rejected' }, result.rejected);
  }

  bulkRequestFailed(cluster: ClusterRole, index: string, target: WriteTarget): void {
    this.bulkRequestFailures.inc({ cluster, index, target });
  }

  phaseCompleted(alias: string, phase: string, seconds: number): void {
    this.phaseDuration.observe({ alias, phase }, Math.max(0, seconds));
  }

  liveChangeSettled(source: LiveChangeSource, outcome: LiveChangeOutcome): void {
    this.liveChanges.inc({ source, outcome });
  }

  /** A negative lag (clocks apart) counts as none. */
  liveChangeWritten(source: LiveChangeSource, lagSeconds: number | null): void {
    this.liveChanges.inc({ source, outcome: 'applied' });
    if (lagSeconds !== null) this.liveChangeLag.observe({ source }, Math.max(0, lagSeconds));
  }

  async liveChangeFigures(): Promise<LiveChangeFigures> {
    const changes = Object.fromEntries(
      LIVE_CHANGE_SOURCES.map((source) => [source, Object.fromEntries(LIVE_CHANGE_OUTCOMES.map((outcome) => [outcome, 0]))]),
    ) as LiveChangeFigures['changes'];
    for (const { labels, value } of (await this.liveChanges.get()).values) {
      changes[labels.source as LiveChangeSource][labels.outcome as LiveChangeOutcome] = value;
    }
    const series = (await this.liveChangeLag.get()).values as { labels: Record<string, string | number>; value: number; metricName?: string }[];
    const lagOf = (source: LiveChangeSource): LagFigures => {
      const own = series.filter((value) => value.labels.source === source);
      const total = (suffix: string) => own.find((value) => value.metricName?.endsWith(suffix))?.value ?? 0;
      const buckets: CumulativeBucket[] = own
        .filter((value) => value.metricName?.endsWith('_bucket'))
        .map((value) => ({ le: value.labels.le === '+Inf' ? Infinity : Number(value.labels.le), count: value.value }));
      return { count: total('_count'), sumSeconds: total('_sum'), p50Seconds: histogramQuantile(0.5, buckets), p95Seconds: histogramQuantile(0.95, buckets) };
    };
    return { changes, lag: { rabbitmq: lagOf('rabbitmq'), outbox: lagOf('outbox') } };
  }

  jobFailed(alias: string): void {
    this.jobsFailed.inc({ alias });
  }

  pruned(kind: PrunedKind, rows: number): void {
    if (rows > 0) this.historyPruned.inc({ kind }, rows);
  }

  /** Times one OpenSearch request; `error` when it throws. */
  async timeOpenSearch<T>(cluster: ClusterRole, operation: string, request: () => Promise<T>): Promise<T> {
    const end = this.openSearchRequests.startTimer({ cluster, operation });
    try {
      const value = await request();
      end({ outcome: 'ok' });
      return value;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }
}
