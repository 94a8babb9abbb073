// Types of job.view.js.

import type { Element } from '../elements.js';
import type { ChartTransition, ProgressSample } from '../job-chart.js';
import type { JobRow } from './jobs.view.js';
import type { CheckReport, ReportView } from './report.view.js';

export interface Transition extends ChartTransition {
  readonly fromStatus: string | null;
  readonly fromPhase: string | null;
  readonly reason: string | null;
  readonly actor?: string | null;
  readonly instanceId: string;
  readonly createdAt: string;
}

interface GateSide {
  readonly total: number | null;
  readonly top: readonly string[] | null;
  readonly error: string | null;
}

/** The relevance gate's record on a job (src/relevance/relevance-gate.service.ts). */
export interface GateRecord {
  readonly verdict: 'passed' | 'blocked' | 'reported' | 'approved';
  readonly comparedAt: string;
  readonly live: string;
  readonly candidate: string;
  readonly querySet: 'api' | 'file' | 'derived';
  readonly failures: readonly string[];
  readonly failingQueries: readonly string[];
  readonly summary: { readonly queries: number; readonly meanTopOverlap: number | null; readonly ndcg: { readonly current: number; readonly next: number } | null };
  readonly queries: readonly { readonly name: string; readonly current: GateSide; readonly next: GateSide }[];
  readonly approval: { readonly by: string | null; readonly at: string } | null;
}

/** GET /jobs/:id's answer: a job with its transitions. */
export interface JobDetail extends JobRow {
  readonly pausedBy: string | null;
  readonly pace: { readonly state: string; readonly reason: string } | null;
  readonly sourceIndex: string | null;
  readonly retries: number;
  readonly leaseOwner: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly waitingFor?: string | null;
  readonly relevance?: GateRecord | null;
  /** A VERIFY or SYNC job's report once it completed. */
  readonly result?: CheckReport | null;
  readonly transitions: readonly Transition[];
}

export function jobFacts(job: JobDetail): [string, string][];
export function relevanceView(record: GateRecord | null): { summary: string; failures: Element[]; rows: Element[] } | null;
export function jobView(
  job: JobDetail,
  samples: readonly ProgressSample[],
  now: number,
): { title: string; facts: Element[]; chart: string; caption: string; timeline: Element[]; report: ReportView | null; relevance: ReturnType<typeof relevanceView> };
