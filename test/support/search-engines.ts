import type { ClusterInfo } from '../../src/opensearch/search-gateway.js';

export interface EngineUnderTest {
  readonly label: string;
  readonly engine: ClusterInfo['engine'];
  readonly node: string;
  /** The versions the engine may report: the tests run OpenSearch 1–3, and Elasticsearch 7.10 only. */
  readonly version: RegExp;
}

/**
 * The search engines a contract runs against: OpenSearch (OPENSEARCH_NODE) always, and
 * Elasticsearch 7.10 when ELASTICSEARCH_NODE names one (`npm run services -- --with-elasticsearch`).
 */
export function enginesUnderTest(): EngineUnderTest[] {
  const opensearch = process.env.OPENSEARCH_NODE;
  if (!opensearch) throw new Error('global setup did not provide OPENSEARCH_NODE');
  const elasticsearch = process.env.ELASTICSEARCH_NODE;
  return [
    { label: 'OpenSearch', engine: 'opensearch', node: opensearch, version: /^[123]\.\d+\.\d+/ },
    ...(elasticsearch ? [{ label: 'Elasticsearch 7.10', engine: 'elasticsearch' as const, node: elasticsearch, version: /^7\.10\.\d+$/ }] : []),
  ];
}
