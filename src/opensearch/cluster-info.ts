import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';
import type { ClusterInfo } from './search-gateway.js';

/** What `GET /` answers, as far as the gateway reads it. */
interface RootResponse {
  readonly cluster_uuid?: unknown;
  readonly cluster_name?: unknown;
  readonly version?: { readonly number?: unknown; readonly distribution?: unknown };
}

/** A node that has not joined an elected cluster yet reports this instead of a cluster UUID. */
const UUID_NOT_KNOWN = '_na_';

/**
 * The engine behind `GET /`: OpenSearch says so in `version.distribution`; Elasticsearch (7.10, the
 * release OpenSearch forked) has no such field.
 */
export function toClusterInfo(body: unknown): ClusterInfo {
  const { cluster_uuid: clusterUuid, cluster_name: clusterName, version } = (typeof body === 'object' && body !== null ? body : {}) as RootResponse;
  if (typeof version?.number !== 'string' || typeof clusterUuid !== 'string') {
    throw new OpenSearchGatewayException('the node answered GET / without version.number and cluster_uuid: it is not Elasticsearch or OpenSearch', OpenSearchGatewayExceptionCode.REQUEST_FAILED);
  }
  if (clusterUuid === UUID_NOT_KNOWN) {
    throw new OpenSearchGatewayException('the node has not joined a cluster yet (cluster_uuid is _na_)', OpenSearchGatewayExceptionCode.UNAVAILABLE);
  }
  return {
    engine: version.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch',
    version: version.number,
    clusterUuid,
    clusterName: typeof clusterName === 'string' ? clusterName : '',
  };
}

/**
 * Whether a `remove` alias action takes `must_exist` and fails when the index is not in the alias:
 * OpenSearch 2.12 and later. Elasticsearch 7.10 and older OpenSearch reject the field (400), and
 * without it they skip the remove silently and still apply the rest of the request.
 */
export function aliasRemoveTakesMustExist(info: ClusterInfo): boolean {
  return info.engine === 'opensearch' && atLeast(info.version, [2, 12]);
}

function atLeast(version: string, [major, minor]: readonly [number, number]): boolean {
  const [actualMajor = 0, actualMinor = 0] = version.split(/[.-]/).map(Number);
  return actualMajor > major || (actualMajor === major && actualMinor >= minor);
}
