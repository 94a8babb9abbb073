// Types of live.view.js.

import type { Element } from '../elements.js';

interface LagFigures {
  readonly count: number;
  readonly sumSeconds: number;
  readonly p95Seconds: number | null;
}

type Outcomes = Readonly<Record<'applied' | 'retried' | 'dead_lettered', number>>;

/** GET /live-updates/status. */
export interface LiveStatus {
  readonly instance: string;
  readonly since: string;
  readonly consumer: string;
  readonly queues: { readonly value: { readonly live: number; readonly retry: number; readonly dead_letter: number } | null; readonly error?: string };
  readonly outbox: { readonly value: { readonly rows: number; readonly oldestAgeSeconds: number | null } | null; readonly error?: string } | null;
  readonly lag: { readonly rabbitmq: LagFigures; readonly outbox: LagFigures };
  readonly changes: { readonly rabbitmq: Outcomes; readonly outbox: Outcomes };
}

export interface LagTotals {
  readonly count: number;
  readonly sum: number;
}

export function recentLag(lag: LiveStatus['lag'], previous: Partial<LagTotals> | undefined): { mean: number | null; totals: LagTotals };
export function liveFigures(status: LiveStatus, recent: number | null): Element[];
export function liveNote(status: LiveStatus): string;
