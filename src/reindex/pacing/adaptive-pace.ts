import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import type { Job, JobPace, JobStore, PaceState } from '../../job-store/index.js';
import type { SearchActivity, SearchCounters, SearchGateway, SearchProbe } from '../../opensearch/index.js';
import { PaceController, QUIET_SEARCHES_PER_SECOND, quantile, type PaceDecision, type PaceSettings } from './pace-controller.js';

/** The `stats` group the probes are tagged with, so the node's counters tell them from real searches. */
const PROBE_STATS_GROUP = 'reindexer-probe';
/** A cheap search through the alias: what it measures is the wait (queues, GC pauses, CPU), not the query. */
const PROBE_BODY = { size: 1, query: { match_all: {} }, track_total_hits: false, stats: [PROBE_STATS_GROUP] };
/** 50 probes a second: a p99 over 100 of them takes 2 s. */
const PROBE_INTERVAL_MS = 20;
const SAMPLE_INTERVAL_MS = 1000;
/** Probes the baseline needs when searches run, and the longest it waits for them. */
const BASELINE_PROBES = 200;
const BASELINE_MAX_MS = 10_000;
/** Saved at least this often while nothing changes, so the figures GET /jobs/:id shows stay fresh. */
const SAVE_EVERY_MS = 5000;

interface Reading {
  readonly at: number;
  readonly activity: SearchActivity;
  readonly probes: number;
  readonly sent: number;
}

export interface AdaptivePaceContext {
  readonly job: Job;
  readonly gateway: SearchGateway;
  readonly store: JobStore;
  readonly leaseToken: string;
  readonly settings: PaceSettings;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Documents the backfill has sent so far. */
  readonly sent: () => number;
}

/**
 * The adaptive pace of one backfill attempt (REINDEX_PACE=auto): probes searches through the live
 * alias, reads the node's search counters once a second, feeds both to a PaceController and saves
 * what it decides on the job. `docsPerSecond` is the rate the backfill should go at now.
 */
export class AdaptivePace {
  private readonly stopping = new AbortController();
  private readonly signal: AbortSignal;
  private readonly loops: Promise<void>[] = [];
  private probe: SearchProbe | null = null;
  private latencies: number[] = [];
  private failedProbes = 0;
  private probes = 0;
  private controller: PaceController | null = null;
  private saved: { state: PaceState; docsPerSecond: number; at: number } | null = null;

  private constructor(
    private readonly context: AdaptivePaceContext,
    private current: PaceDecision,
  ) {
    this.signal = AbortSignal.any([context.signal, this.stopping.signal]);
  }

  /**
   * Measures the baseline (about a second of probes while nobody searches, four while searches
   * run) before the backfill writes, then steers until `stop`.
   */
  static async start(context: AdaptivePaceContext): Promise<AdaptivePace> {
    const { gateway, job, settings } = context;
    const live = await gateway.getAliasTargets(job.alias).catch(() => null);
    if (live === null || live.length === 0) {
      const pace = new AdaptivePace(
        context,
        live === null
          ? { docsPerSecond: settings.ceiling, state: 'holding', reason: `the cluster did not say what serves ${job.alias}: pacing at REINDEX_MAX_DOCS_PER_SECOND`, searchP99Ms: null, baselineP99Ms: null }
          : { docsPerSecond: settings.ceiling, state: 'no-live-index', reason: `no index serves ${job.alias} yet: nothing to protect`, searchP99Ms: null, baselineP99Ms: null },
      );
      await pace.save();
      return pace;
    }
    const pace = new AdaptivePace(context, { docsPerSecond: 0, state: 'measuring', reason: `measuring search latency on ${job.alias} before the job writes`, searchP99Ms: null, baselineP99Ms: null });
    await pace.save();
    pace.probe = gateway.startSearchProbe(job.alias, PROBE_BODY, PROBE_INTERVAL_MS);
    await pace.measureBaseline();
    if (!pace.controller) await pace.stop();
    return pace;
  }

  /** Documents per second; 0 = unlimited. */
  get docsPerSecond(): number {
    return this.current.docsPerSecond;
  }

  /** An operator's rate is in force: the controller goes on from it when the override ends. */
  follow(docsPerSecond: number): void {
    if (!this.controller) return;
    this.controller.follow(docsPerSecond);
    this.decide(this.controller.decision);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.loops, this.probe?.stop()]);
    this.probe = null;
  }

  private async measureBaseline(): Promise<void> {
    const first = await this.read();
    await this.pause(SAMPLE_INTERVAL_MS);
    const second = await this.read();
    if (!first || !second) {
      // The node's counters do not answer: steering would be blind, so the job goes at the ceiling.
      this.decide({ ...this.current, docsPerSecond: this.context.settings.ceiling, state: 'holding', reason: 'search stats of the live alias do not answer: pacing at REINDEX_MAX_DOCS_PER_SECOND' });
      return;
    }
    const searching = deltaOf(first, second).searchesPerSecond >= QUIET_SEARCHES_PER_SECOND;
    const deadline = performance.now() + BASELINE_MAX_MS;
    while (searching && this.collect().length < BASELINE_PROBES && performance.now() < deadline && !this.signal.aborted) await this.pause(100);
    const third = await this.read();
    const baseline = this.takeLatencies();
    this.controller = new PaceController(this.context.settings, baseline.length > 0 ? quantile(baseline, 0.99) : 0, deltaOf(first, third ?? second).searchCostOverProbeMs, searching);
    this.decide(this.controller.decision);
    this.loops.push(this.steer(third));
  }

  /** From the baseline's last reading on: each second's counters against the one before. */
  private async steer(from: Reading | null): Promise<void> {
    let previous = from;
    while (!this.signal.aborted) {
      await this.pause(SAMPLE_INTERVAL_MS);
      const reading = await this.read();
      if (!reading || !previous) {
        previous = reading;
        continue;
      }
      const delta = deltaOf(previous, reading);
      previous = reading;
      const failed = this.failedProbes;
      this.failedProbes = 0;
      this.decide(this.controller!.observe({ ...delta, probeLatenciesMs: this.takeLatencies(), rejections: delta.rejections + failed }));
    }
  }

  private decide(decision: PaceDecision): void {
    const changed = decision.state !== this.current.state;
    if (changed) this.context.logger.log(`pace ${decision.state}: ${decision.reason}`);
    this.current = decision;
    const due = !this.saved || this.saved.state !== decision.state || this.saved.docsPerSecond !== decision.docsPerSecond || performance.now() - this.saved.at >= SAVE_EVERY_MS;
    if (due) void this.save();
  }

  private async save(): Promise<void> {
    const { store, job, leaseToken, settings, logger } = this.context;
    this.saved = { state: this.current.state, docsPerSecond: this.current.docsPerSecond, at: performance.now() };
    const pace: JobPace = { ...this.current, budget: settings.budget, at: new Date().toISOString() };
    // The pace is for people to read; losing one write (MySQL away, lease lost) changes nothing the job does.
    await store.savePace(job.id, leaseToken, pace).catch((error: unknown) => logger.debug?.(`pace not saved: ${(error as Error).message}`));
  }

  private async read(): Promise<Reading | null> {
    const activity = await this.context.gateway.searchActivity(this.context.job.alias, PROBE_STATS_GROUP).catch(() => null);
    this.collect();
    return activity && { at: performance.now(), activity, probes: this.probes, sent: this.context.sent() };
  }

  /** Moves what the probe measured into this attempt's counts; the latencies not yet taken. */
  private collect(): number[] {
    const report = this.probe?.take();
    if (report) {
      this.latencies.push(...report.latenciesMs);
      this.probes += report.latenciesMs.length;
      this.failedProbes += report.failed;
    }
    return this.latencies;
  }

  private takeLatencies(): number[] {
    const taken = this.collect();
    this.latencies = [];
    return taken;
  }

  private pause(ms: number): Promise<void> {
    return ms > 0 ? sleep(ms, undefined, { signal: this.signal }).catch(() => undefined) : Promise.resolve();
  }
}

/** What happened between two readings, as the controller takes it. */
function deltaOf(from: Reading, to: Reading) {
  const seconds = Math.max(0.001, (to.at - from.at) / 1000);
  const all = difference(from.activity.all, to.activity.all);
  const probes = difference(from.activity.group, to.activity.group);
  const others: SearchCounters = { queries: all.queries - probes.queries, queryTimeMs: all.queryTimeMs - probes.queryTimeMs, fetches: all.fetches - probes.fetches, fetchTimeMs: all.fetchTimeMs - probes.fetchTimeMs };
  // The counters are per shard copy: a search over three shards counts three queries, as each probe does.
  const shardsPerSearch = to.probes > from.probes && probes.queries > 0 ? probes.queries / (to.probes - from.probes) : 1;
  return {
    searchesPerSecond: others.queries / shardsPerSearch / seconds,
    searchCostOverProbeMs: Math.max(0, meanCost(others) - meanCost(probes)),
    rejections: Math.max(0, to.activity.rejected - from.activity.rejected),
    docsPerSecond: (to.sent - from.sent) / seconds,
  };
}

function difference(from: SearchCounters, to: SearchCounters): SearchCounters {
  return { queries: to.queries - from.queries, queryTimeMs: to.queryTimeMs - from.queryTimeMs, fetches: to.fetches - from.fetches, fetchTimeMs: to.fetchTimeMs - from.fetchTimeMs };
}

/** Mean time a shard spends on one search: its query phase plus, where it has one, its fetch phase. */
function meanCost(counters: SearchCounters): number {
  return (counters.queries > 0 ? counters.queryTimeMs / counters.queries : 0) + (counters.fetches > 0 ? counters.fetchTimeMs / counters.fetches : 0);
}
