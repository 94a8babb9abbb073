// Types of jobs-list.js.

export interface JobFilters {
  readonly alias: string;
  readonly status: string;
}

export interface JobList {
  readonly filters: JobFilters;
  /** The cursor of the page shown: only jobs older than this id; null for the newest. */
  readonly before: number | null;
  /** The cursors of the pages "Newer" goes back through, oldest last. */
  readonly newer: readonly (number | null)[];
}

export const JOBS_PER_PAGE: number;
export function firstPage(filters: JobFilters): JobList;
export function jobsPath(list: JobList): string;
export function olderPage(list: JobList, next: number): JobList;
export function newerPage(list: JobList): JobList;
