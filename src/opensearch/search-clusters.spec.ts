import { loadConfig } from '../config/index.js';
import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';
import { SearchClusters } from './search-clusters.js';
import type { ClusterInfo, SearchGateway } from './search-gateway.js';

const BASE_ENV = {
  DATABASE_URL: 'mysql://root@127.0.0.1:3306/reindexer',
  OPENSEARCH_NODE: 'http://es-user:es-pass@old-search:9200',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  ADMIN_API_TOKEN: 'a-token-of-sixteen-or-more',
};
const ELASTICSEARCH: ClusterInfo = { engine: 'elasticsearch', version: '7.10.2', clusterUuid: 'uuid-old', clusterName: 'old' };
const OPENSEARCH: ClusterInfo = { engine: 'opensearch', version: '2.19.1', clusterUuid: 'uuid-new', clusterName: 'new' };

/** Only `clusterInfo` and `isHealthy` are called; a gateway that cannot be reached throws as the real one does. */
function gatewayAnswering(info: ClusterInfo | Error, healthy = true): SearchGateway {
  return { clusterInfo: () => (info instanceof Error ? Promise.reject(info) : Promise.resolve(info)), isHealthy: () => Promise.resolve(healthy) } as unknown as SearchGateway;
}

function clusters(current: ClusterInfo | Error, next?: ClusterInfo | Error): SearchClusters {
  const env = next === undefined ? BASE_ENV : { ...BASE_ENV, OPENSEARCH_NEXT_NODE: 'https://new-search.example.com/prefix' };
  return new SearchClusters(loadConfig(env), gatewayAnswering(current), next === undefined ? null : gatewayAnswering(next));
}

describe('SearchClusters.describe', () => {
  it('shows both clusters by role, host without credentials or path, and what each node says it is', async () => {
    const report = await clusters(ELASTICSEARCH, OPENSEARCH).describe();

    expect(report.clusters).toEqual([
      { role: 'current', variables: 'OPENSEARCH', node: 'http://old-search:9200', reachable: true, info: ELASTICSEARCH, error: null },
      { role: 'next', variables: 'OPENSEARCH_NEXT', node: 'https://new-search.example.com', reachable: true, info: OPENSEARCH, error: null },
    ]);
    expect(report.problems).toEqual([]);
  });

  it('says there is no next cluster when OPENSEARCH_NEXT_NODE is unset', async () => {
    const report = await clusters(OPENSEARCH).describe();

    expect(report.clusters.map((cluster) => cluster.role)).toEqual(['current']);
    expect(report.problems).toEqual([expect.stringMatching(/^no next cluster: set OPENSEARCH_NEXT_NODE/)]);
  });

  it('names a next cluster that is the current one under another URL, or that is not OpenSearch', async () => {
    expect((await clusters(OPENSEARCH, OPENSEARCH).describe()).problems).toEqual([
      'OPENSEARCH_NEXT_NODE reaches the same cluster as OPENSEARCH_NODE (cluster UUID uuid-new): the next cluster must be another one',
    ]);
    expect((await clusters(OPENSEARCH, { ...ELASTICSEARCH, clusterUuid: 'uuid-other' }).describe()).problems).toEqual([
      'the next cluster runs elasticsearch 7.10.2: search moves to OpenSearch',
    ]);
  });

  it('asks every time whether a cluster answers: one known from an earlier answer but down now is not reachable', async () => {
    const env = { ...BASE_ENV, OPENSEARCH_NEXT_NODE: 'https://new-search.example.com' };
    const report = await new SearchClusters(loadConfig(env), gatewayAnswering(ELASTICSEARCH), gatewayAnswering(OPENSEARCH, false)).describe();

    expect(report.clusters[1]).toMatchObject({ role: 'next', reachable: false, info: OPENSEARCH, error: 'does not answer now, or its health is red' });
    expect(report.problems).toEqual(['OPENSEARCH_NEXT_NODE cannot be reached: does not answer now, or its health is red']);
  });

  it('reports a cluster that does not answer, with the reason, and still describes the other', async () => {
    const down = new OpenSearchGatewayException('read cluster info: connect ECONNREFUSED', OpenSearchGatewayExceptionCode.UNAVAILABLE);
    const report = await clusters(ELASTICSEARCH, down).describe();

    expect(report.clusters[0]).toMatchObject({ role: 'current', reachable: true, info: ELASTICSEARCH });
    expect(report.clusters[1]).toMatchObject({ role: 'next', reachable: false, info: null, error: 'read cluster info: connect ECONNREFUSED' });
    expect(report.problems).toEqual(['OPENSEARCH_NEXT_NODE cannot be reached: read cluster info: connect ECONNREFUSED']);
  });
});
