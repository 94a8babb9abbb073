import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import { ConfigValidationError, type ClusterConnection } from '../config/app-config.js';

export function createOpenSearchClient(connection: ClusterConnection): Client {
  return new Client(buildClientOptions(connection));
}

/** Plain, basic auth (username and password) or AWS SigV4 (region), chosen by which variables are set. */
export function buildClientOptions(opensearch: ClusterConnection): ClientOptions {
  const prefix = opensearch.variables ?? 'OPENSEARCH';
  const base: ClientOptions = {
    node: opensearch.node,
    // Long enough for a bulk batch or an index creation waiting for its shards on a busy cluster.
    requestTimeout: 60_000,
    pingTimeout: 3_000,
    // One quick retry on another node; the reindex engine owns retries with backoff.
    maxRetries: 1,
    // No `compression: 'gzip'`: bulk bodies are built on the hot path, and gzip costs more CPU than it saves inside a VPC or LAN.
    ...(opensearch.ca ? { ssl: { ca: opensearch.ca } } : {}),
  };
  const { username, password, awsRegion } = opensearch;
  if (awsRegion !== undefined) {
    if (username !== undefined || password !== undefined) {
      throw new ConfigValidationError([`${prefix}_AWS_REGION (SigV4) and ${prefix}_USERNAME/${prefix}_PASSWORD (basic auth) exclude each other`]);
    }
    return {
      ...base,
      ...AwsSigv4Signer({ region: awsRegion, service: awsServiceOf(opensearch.node), getCredentials: defaultProvider() }),
    };
  }
  if (username === undefined && password === undefined) return base;
  if (username === undefined || password === undefined) {
    throw new ConfigValidationError([`${prefix}_${username === undefined ? 'USERNAME' : 'PASSWORD'} is missing (basic auth needs both)`]);
  }
  return { ...base, auth: { username, password } };
}

// OpenSearch Serverless collections are signed for `aoss`, managed domains for `es`.
function awsServiceOf(node: string): 'es' | 'aoss' {
  return new URL(node).hostname.endsWith('.aoss.amazonaws.com') ? 'aoss' : 'es';
}
