// Types of jobs.view.js.

import type { Element } from '../elements.js';
import type { JobList } from '../jobs-list.js';

/** A job as GET /jobs lists it: the fields the jobs table shows. */
export interface JobRow {
  readonly id: number;
  readonly alias: string;
  readonly kind: 'FULL' | 'PARTIAL' | 'VERIFY' | 'SYNC';
  readonly trigger: string;
  readonly status: string;
  readonly phase: string | null;
  readonly docsProcessed: number;
  readonly docsTotal: number | null;
  readonly docsPerSecond: number | null;
  readonly etaSeconds: number | null;
  readonly maxDocsPerSecond: number | null;
  readonly maxDocsPerSecondSetBy?: string | null;
  readonly lastError: string | null;
  readonly targetIndex?: string | null;
  /** Who paused it: `relevance-gate` offers Approve…. */
  readonly pausedBy?: string | null;
}

export interface JobActions {
  pause(job: JobRow): unknown;
  resume(job: JobRow): unknown;
  approve(job: JobRow): unknown;
  cancel(job: JobRow): unknown;
  rethrottle(job: JobRow): unknown;
}

export const ACTIVE: readonly string[];
export function progress(job: JobRow): (Element | string)[];
export function jobsView(jobs: readonly JobRow[], actions: JobActions): Element[];

/** GET /jobs's page: `next` is the cursor of the older page, null on the last. */
export interface JobPage {
  readonly jobs: readonly JobRow[];
  readonly next: number | null;
}

export interface PagerActions {
  newerJobs(): unknown;
  olderJobs(next: number): unknown;
}

export function aliasOptions(aliases: readonly string[], chosen: string): Element[];
export function jobsPager(list: JobList, page: JobPage, actions: PagerActions): (Element | string)[];
