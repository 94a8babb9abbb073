import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import { ConfigValidationError, type ClusterConnection } from '../config/index.js';
import { clientOptionsOf } from './opensearch-client-options.js';

export function createOpenSearchClient(connection: ClusterConnection): Client {
  return new Client(buildClientOptions(connection));
}

/** Plain, basic auth (username and password) or AWS SigV4 (region), chosen by which variables are set. */
export function buildClientOptions(opensearch: ClusterConnection): ClientOptions {
  const prefix = opensearch.variables ?? 'OPENSEARCH';
  const { username, password, awsRegion } = opensearch;
  if (awsRegion !== undefined && (username !== undefined || password !== undefined)) {
    throw new ConfigValidationError([`${prefix}_AWS_REGION (SigV4) and ${prefix}_USERNAME/${prefix}_PASSWORD (basic auth) exclude each other`]);
  }
  if (awsRegion === undefined && (username === undefined) !== (password === undefined)) {
    throw new ConfigValidationError([`${prefix}_${username === undefined ? 'USERNAME' : 'PASSWORD'} is missing (basic auth needs both)`]);
  }
  // Long enough for a bulk batch or an index creation waiting for its shards on a busy cluster; one
  // quick retry on another node, the reindex engine owns retries with backoff. No `compression: 'gzip'`:
  // bulk bodies are built on the hot path, and gzip costs more CPU than it saves inside a VPC or LAN.
  return clientOptionsOf(opensearch, { requestTimeout: 60_000, maxRetries: 1 });
}
