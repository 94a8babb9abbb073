// Types of job-chart.js, the browser module the admin page loads as is (no build step).

export interface ChartJob {
  readonly kind: 'FULL' | 'PARTIAL' | 'VERIFY' | 'SYNC';
  readonly status: string;
  readonly phase: string | null;
  readonly docsProcessed: number;
  readonly createdAt: string | number;
  readonly finishedAt: string | number | null;
  /** The pace in force now (0 = unlimited), null or absent when none is. */
  readonly maxDocsPerSecond?: number | null;
}

export interface ChartTransition {
  readonly id: number;
  readonly toStatus: string;
  readonly toPhase: string | null;
  readonly createdAt: string | number;
}

/** A persisted document count and when it was saved (ms since the epoch), with the pace in force then (0 = unlimited). */
export interface ProgressSample {
  readonly at: number;
  readonly docs: number;
  readonly pace?: number | null;
}

export interface RateSegment {
  readonly from: number;
  readonly to: number;
  readonly docsPerSecond: number;
}

export function stateSpans(job: ChartJob, transitions: readonly ChartTransition[], end: number): { from: number; to: number; status: string; phase: string | null }[];
export function chartEnd(job: ChartJob, now: number): number;
export function rateSegments(job: ChartJob, transitions: readonly ChartTransition[], samples: readonly ProgressSample[], now: number): RateSegment[];
export function paceSteps(samples: readonly ProgressSample[], end: number): RateSegment[];
export function jobChart(job: ChartJob, transitions: readonly ChartTransition[], samples: readonly ProgressSample[], now: number): { svg: string; summary: string; segments: RateSegment[] };
