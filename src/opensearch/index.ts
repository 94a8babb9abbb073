// The gateway: the only code that talks to OpenSearch or Elasticsearch; the clusters a replica knows.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { OpenSearchGatewayException, OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';
export { OpenSearchModule } from './opensearch.module.js';
export { SearchClusters } from './search-clusters.js';
export type { ClustersReport } from './search-clusters.js';
export { MANAGED_BY, SearchGateway } from './search-gateway.js';
export type { BulkOperation, BulkResult, PendingBulk, ClusterInfo, IndexMeta, IndexOwnership, ManagedIndex, RankEvalMetric, RankEvalRequest, RankEvalResult, SearchActivity, SearchCounters, SearchProbe, WritePressure } from './search-gateway.js';
export { bulkRetryingThrottled, LIVE_WRITE_THROTTLE_RETRY } from './throttled-bulk.js';
