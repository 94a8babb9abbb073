import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import type { IndexDefinition } from '../indices/index.js';
import { Metrics } from '../metrics/index.js';
import type { ComparisonSummary } from './comparison-summary.js';
import type { QueryComparison } from './query-comparison.js';
import { QuerySets, type QuerySetSource } from './query-sets.service.js';
import { RelevanceComparison, type Sides } from './relevance-comparison.service.js';
import { judgeRelevance, type GateVerdict, type RelevanceThresholds } from './relevance-gate.js';

/** Timed runs per query on each side: enough for a latency figure, little beside a rebuild. */
const GATE_REPEAT = 2;

/** An operator's go-ahead for a candidate the gate blocked. */
export interface GateApproval {
  /** The API token's name; null when the service itself was asked (no request). */
  readonly by: string | null;
  readonly at: string;
}

/** What the gate found, kept on the job (or returned by a migration's cutover) for the API and the console. */
export interface GateRecord {
  readonly verdict: GateVerdict;
  readonly comparedAt: string;
  /** The live index (or alias) and the candidate, as compared. */
  readonly live: string;
  readonly candidate: string;
  readonly querySet: QuerySetSource;
  readonly thresholds: RelevanceThresholds;
  /** One line per threshold crossed; empty when it passed. */
  readonly failures: readonly string[];
  readonly failingQueries: readonly string[];
  readonly summary: ComparisonSummary;
  /** Every query of the set: totals and both tops, side by side. */
  readonly queries: readonly QueryComparison[];
  readonly approval: GateApproval | null;
}

export interface GateRequest {
  readonly alias: string;
  readonly definition: IndexDefinition;
  /** `current`: the live index; `next`: the candidate. Its query set is read on the live side. */
  readonly sides: Sides;
  /** Given when an operator approved this candidate after an earlier block. */
  readonly approval: GateApproval | null;
}

/**
 * The relevance gate: the alias's query set on the live index and the candidate through the one
 * comparison, judged against the definition's thresholds (config's where it sets none). A set
 * derived from sampled documents reports and never blocks: nobody said what those queries should find.
 */
@Injectable()
export class RelevanceGate {
  constructor(
    private readonly config: AppConfig,
    private readonly querySets: QuerySets,
    private readonly comparison: RelevanceComparison,
    private readonly metrics: Metrics,
  ) {}

  private thresholdsOf(definition: IndexDefinition): RelevanceThresholds {
    const own = definition.relevance ?? {};
    return {
      maxNdcgDrop: own.maxNdcgDrop ?? this.config.relevance.maxNdcgDrop,
      minMeanOverlap: own.minMeanOverlap ?? this.config.relevance.minMeanOverlap,
      altersRanking: own.altersRanking ?? false,
    };
  }

  async judge(request: GateRequest): Promise<GateRecord> {
    const { alias, sides } = request;
    const set = await this.querySets.get(alias, sides.current.gateway);
    const report = await this.comparison.compare(sides, set.expanded, GATE_REPEAT, alias);
    const thresholds = this.thresholdsOf(request.definition);
    const { failures, failingQueries } = judgeRelevance(report, thresholds);
    const verdict: GateVerdict = failures.length === 0 ? 'passed' : set.derived ? 'reported' : request.approval ? 'approved' : 'blocked';
    this.metrics.relevanceGateJudged(alias, verdict);
    return {
      verdict,
      comparedAt: new Date().toISOString(),
      live: sides.current.index,
      candidate: sides.next.index,
      querySet: set.source,
      thresholds,
      failures,
      failingQueries,
      summary: report.summary,
      queries: report.queries,
      approval: request.approval,
    };
  }
}

/** A one-line account of a record, for a job's transition and the log. */
export function describeGate(record: GateRecord): string {
  const queries = `${record.summary.queries} ${record.querySet === 'derived' ? 'derived ' : ''}queries`;
  const scores = [`mean top-10 overlap ${record.summary.meanTopOverlap ?? '-'}`, ...(record.summary.ndcg ? [`nDCG@10 ${record.summary.ndcg.current} → ${record.summary.ndcg.next}`] : [])].join(', ');
  switch (record.verdict) {
    case 'passed':
      return `relevance gate passed on ${queries} (${scores})`;
    case 'reported':
      return `relevance gate reports on ${queries}, which do not block: ${record.failures.join('; ')}`;
    case 'approved':
      return `relevance gate approved by ${record.approval?.by ?? 'an operator'} despite: ${record.failures.join('; ')}`;
    case 'blocked':
      return `relevance gate blocked on ${queries}: ${record.failures.join('; ')}`;
  }
}
