export enum OpenSearchGatewayExceptionCode {
  /** Network error, timeout or 5xx: the cluster did not answer properly. */
  UNAVAILABLE = 'OPENSEARCH_UNAVAILABLE',
  /** 429: the cluster is shedding load. */
  THROTTLED = 'OPENSEARCH_THROTTLED',
  /** 401/403: credentials are missing, wrong or lack a permission. */
  UNAUTHORIZED = 'OPENSEARCH_UNAUTHORIZED',
  INDEX_NOT_FOUND = 'OPENSEARCH_INDEX_NOT_FOUND',
  /** An alias swap's `removeFrom` no longer matches the alias: re-read it before deciding again. */
  ALIAS_CONFLICT = 'OPENSEARCH_ALIAS_CONFLICT',
  /** No configured cluster has the UUID a job or migration names (OPENSEARCH_NODE or OPENSEARCH_NEXT_NODE changed). */
  CLUSTER_UNKNOWN = 'OPENSEARCH_CLUSTER_UNKNOWN',
  /** Any other rejection (bad mapping, bad setting, bad name): retrying the same call cannot help. */
  REQUEST_FAILED = 'OPENSEARCH_REQUEST_FAILED',
}

const TRANSIENT_CODES: ReadonlySet<OpenSearchGatewayExceptionCode> = new Set([
  OpenSearchGatewayExceptionCode.UNAVAILABLE,
  OpenSearchGatewayExceptionCode.THROTTLED,
]);

/** A whole OpenSearch request failed; `transient` says whether the same call may succeed later. */
export class OpenSearchGatewayException extends Error {
  readonly transient: boolean;

  constructor(
    message: string,
    readonly code: OpenSearchGatewayExceptionCode,
    /** HTTP status OpenSearch answered with; absent when it did not answer. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OpenSearchGatewayException';
    this.transient = TRANSIENT_CODES.has(code);
  }
}
