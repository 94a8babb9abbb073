// Types of indices.view.js.

import type { Element } from '../elements.js';
import type { ClusterRow, Schedule } from '../format.js';

export interface Migration {
  readonly state: string;
  readonly fromClusterUuid: string;
  readonly toClusterUuid: string;
  readonly readsNextPercent: number;
  readonly waitingFor?: string | null;
}

/** An alias as GET /indices lists it: the fields the indices table shows. */
export interface IndexRow {
  readonly alias: string;
  readonly liveIndex: string | null;
  readonly cluster: string | null;
  readonly drift: string;
  readonly documents: number | null;
  readonly activeJob: { readonly id: number; readonly phase: string | null; readonly status: string } | null;
  readonly schedule: Schedule | null;
  readonly rollback: { readonly fromIndex: string } | null;
  readonly migration: Migration | null;
}

export interface IndicesContext {
  readonly busy: ReadonlyMap<string, string>;
  readonly hasNext: boolean;
  readonly clusters: readonly ClusterRow[];
}

type IndexAction = (index: IndexRow) => unknown;
type AliasAction = (alias: string) => unknown;

export interface IndexActions {
  openJob(id: number): unknown;
  rebuild: IndexAction;
  adopt: IndexAction;
  partial: IndexAction;
  rollback: IndexAction;
  verify: AliasAction;
  sync: AliasAction;
  openSchedule: AliasAction;
  compareClusters: AliasAction;
  migrate: IndexAction;
  moveReads: IndexAction;
  completeMigration: IndexAction;
  retire: IndexAction;
  abortMigration: IndexAction;
}

export function clusterCell(index: IndexRow, clusters: readonly ClusterRow[]): (Element | string)[];
export function migrationButtons(index: IndexRow, context: IndicesContext, actions: IndexActions): Element[];
export function indicesView(indices: readonly IndexRow[], context: IndicesContext, actions: IndexActions): Element[];
