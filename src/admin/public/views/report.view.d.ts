// Types of report.view.js.

import type { Element } from '../elements.js';

export interface Found {
  readonly total: number;
  readonly ids: readonly (string | number)[];
  readonly reason?: string;
}

/** A VERIFY or SYNC job's result: GET /indices/:alias/verify's answer, with `unrepaired` for a sync. */
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

export interface ReportView {
  readonly title: string;
  readonly summary: string;
  readonly rows: Element[];
}

export function reportView(kind: 'verify' | 'sync', report: CheckReport, finishedAt: number | string): ReportView;
export function checkStarted(kind: 'verify' | 'sync', alias: string, job: { readonly id: number; readonly created: boolean }): string;
