// Types of physical-indices.view.js.

import type { ClusterIndices, PhysicalIndex } from '../../../reindex/index.js';
import type { Element } from '../elements.js';

type Json<T> = { readonly [K in keyof T]: T[K] extends Date | null ? string | null : T[K] };

/** An index as GET /physical-indices answers it (the API's own type, dates as JSON strings). */
export type PhysicalIndexRow = Json<PhysicalIndex>;

export type ClusterIndicesRow = Omit<ClusterIndices, 'indices'> & { readonly indices: readonly PhysicalIndexRow[] };

export interface PhysicalIndexActions {
  deleteOrphan(cluster: string, index: PhysicalIndexRow): unknown;
}

export function deleteKey(cluster: string, index: PhysicalIndexRow): string;
export function physicalIndicesView(clusters: readonly ClusterIndicesRow[], actions: PhysicalIndexActions, busy?: ReadonlyMap<string, string>): Element[];
export function physicalIndicesNote(clusters: readonly ClusterIndicesRow[]): string;
