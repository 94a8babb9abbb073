// Types of clusters.view.js.

import type { Element } from '../elements.js';
import type { EngineInfo } from '../format.js';

/** One cluster of GET /clusters. */
export interface Cluster {
  readonly role: string;
  readonly node: string;
  readonly variables: string;
  readonly reachable: boolean;
  readonly error?: string;
  readonly info: (EngineInfo & { readonly clusterUuid: string }) | null;
}

export interface ClustersReport {
  readonly clusters: readonly Cluster[];
  readonly problems: readonly string[];
}

export function clustersView(clusters: readonly Cluster[]): Element[];
export function clustersSummary(report: ClustersReport): { hasNext: boolean; problems: readonly string[]; note: string; items: Element[] };
