// Types of report.view.js.

import type { Element } from '../elements.js';

export interface Found {
  readonly total: number;
  readonly ids: readonly (string | number)[];
  readonly reason?: string;
}

/** GET /indices/:alias/verify's or POST /indices/:alias/sync's answer. */
export interface CheckReport {
  readonly alias: string;
  readonly index: string;
  readonly sourceCount: number;
  readonly indexCount: number;
  readonly missing: Found;
  readonly stale: Found;
  readonly extra: Found;
  readonly unrepaired?: Found;
}

export function reportView(kind: 'verify' | 'sync', report: CheckReport, now: number): { title: string; summary: string; rows: Element[] };
export function reportDone(kind: 'verify' | 'sync', alias: string): string;
