import type { ClusterRole } from '../config/index.js';
import type { SearchClusters, SearchGateway } from '../opensearch/index.js';
import { ReindexErrorCode, ReindexException } from './reindex.exception.js';

/** The gateway to the cluster an operator named; NO_NEXT_CLUSTER for `next` without OPENSEARCH_NEXT_NODE. */
export function clusterNamed(clusters: SearchClusters, role: ClusterRole): SearchGateway {
  const gateway = role === 'next' ? clusters.next : clusters.current;
  if (!gateway) throw new ReindexException(ReindexErrorCode.NO_NEXT_CLUSTER, 'no next cluster: set OPENSEARCH_NEXT_NODE');
  return gateway;
}
