// Types of job.view.js.

import type { Element } from '../elements.js';
import type { ChartTransition, ProgressSample } from '../job-chart.js';
import type { JobRow } from './jobs.view.js';

export interface Transition extends ChartTransition {
  readonly fromStatus: string | null;
  readonly fromPhase: string | null;
  readonly reason: string | null;
  readonly actor?: string | null;
  readonly instanceId: string;
  readonly createdAt: string;
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
  readonly transitions: readonly Transition[];
}

export function jobFacts(job: JobDetail): [string, string][];
export function jobView(job: JobDetail, samples: readonly ProgressSample[], now: number): { title: string; facts: Element[]; chart: string; caption: string; timeline: Element[] };
