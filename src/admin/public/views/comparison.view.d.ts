// Types of comparison.view.js.

import type { Element } from '../elements.js';
import type { EngineInfo } from '../format.js';

interface Latency {
  readonly p50: number | null;
  readonly p95: number | null;
}

interface Answer {
  readonly total?: number;
  readonly latencyMs?: Latency;
  readonly error?: string;
}

/** POST /indices/:alias/compare's answer. */
export interface ComparisonReport {
  readonly alias: string;
  readonly clusters: { readonly current: EngineInfo; readonly next: EngineInfo };
  readonly queriesFrom: string;
  readonly repeat: number;
  readonly summary: {
    readonly queries: number;
    readonly failed: number;
    readonly sameTotal: number;
    readonly meanTopOverlap: number | null;
    readonly latencyMs: { readonly current: Latency; readonly next: Latency };
  };
  readonly queries: readonly {
    readonly name: string;
    readonly body: unknown;
    readonly sameTotal: boolean;
    readonly topOverlap: number | null;
    readonly rankDifference: { readonly mean: number; readonly max: number } | null;
    readonly current: Answer;
    readonly next: Answer;
  }[];
}

export function comparisonView(report: ComparisonReport, now: number): { title: string; summary: string; figures: Element[]; rows: Element[] };
