import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { ClientOptions } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';

/** How to reach one cluster, as plain data: it also crosses into the search probe's worker thread. */
export interface ClientConnection {
  readonly node: string;
  readonly username?: string;
  readonly password?: string;
  /** Signs requests with AWS SigV4 for this region (managed OpenSearch). */
  readonly awsRegion?: string;
  /** Trusted CA certificates (PEM). */
  readonly ca?: Uint8Array;
}

/**
 * Client options for a connection already checked (buildClientOptions): plain, basic auth or AWS
 * SigV4. Imports packages only, so that the probe's worker thread can load this file by its path
 * (the .ts source itself under ts-jest, where Node strips its types).
 */
export function clientOptionsOf(connection: ClientConnection, timing: { readonly requestTimeout: number; readonly maxRetries: number }): ClientOptions {
  const { node, username, password, awsRegion, ca } = connection;
  const base: ClientOptions = { node, requestTimeout: timing.requestTimeout, pingTimeout: 3_000, maxRetries: timing.maxRetries, ...(ca ? { ssl: { ca: Buffer.from(ca) } } : {}) };
  if (awsRegion !== undefined) return { ...base, ...AwsSigv4Signer({ region: awsRegion, service: awsServiceOf(node), getCredentials: defaultProvider() }) };
  if (username !== undefined && password !== undefined) return { ...base, auth: { username, password } };
  return base;
}

// OpenSearch Serverless collections are signed for `aoss`, managed domains for `es`.
function awsServiceOf(node: string): 'es' | 'aoss' {
  return new URL(node).hostname.endsWith('.aoss.amazonaws.com') ? 'aoss' : 'es';
}
