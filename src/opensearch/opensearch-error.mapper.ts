import { errors } from '@opensearch-project/opensearch';
import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';

/** The `error` object OpenSearch puts in a response or in a bulk/mget item. */
export interface ErrorCause {
  readonly type?: string;
  readonly reason?: string;
}

/** Status and error type of an answer OpenSearch gave; undefined when it did not answer. */
export function responseErrorOf(error: unknown): { readonly status: number; readonly type?: string } | undefined {
  if (!(error instanceof errors.ResponseError)) return undefined;
  return { status: error.statusCode, type: causeOf(error.body).type };
}

export function toGatewayException(action: string, error: unknown): OpenSearchGatewayException {
  if (error instanceof errors.ResponseError) return exceptionFor(action, error.statusCode, causeOf(error.body), error);
  const message = error instanceof Error ? error.message : String(error);
  const unreachable =
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError ||
    error instanceof errors.RequestAbortedError;
  const code = unreachable ? OpenSearchGatewayExceptionCode.UNAVAILABLE : OpenSearchGatewayExceptionCode.REQUEST_FAILED;
  return new OpenSearchGatewayException(`OpenSearch ${action} failed: ${message}`, code, undefined, { cause: error });
}

export function exceptionFor(action: string, status: number, cause: ErrorCause, original?: unknown): OpenSearchGatewayException {
  return new OpenSearchGatewayException(`OpenSearch ${action} failed with ${status}: ${describeCause(cause)}`, codeFor(status, cause.type), status, {
    cause: original,
  });
}

export function describeCause(cause: ErrorCause): string {
  if (cause.type && cause.reason) return `${cause.type}: ${cause.reason}`;
  return cause.type ?? cause.reason ?? 'no reason given';
}

function codeFor(status: number, type: string | undefined): OpenSearchGatewayExceptionCode {
  if (status === 429) return OpenSearchGatewayExceptionCode.THROTTLED;
  if (status >= 500) return OpenSearchGatewayExceptionCode.UNAVAILABLE;
  if (status === 401 || status === 403) return OpenSearchGatewayExceptionCode.UNAUTHORIZED;
  if (type === 'index_not_found_exception') return OpenSearchGatewayExceptionCode.INDEX_NOT_FOUND;
  if (type === 'aliases_not_found_exception') return OpenSearchGatewayExceptionCode.ALIAS_CONFLICT;
  return OpenSearchGatewayExceptionCode.REQUEST_FAILED;
}

// Most errors carry `{ error: { type, reason } }`, but a missing alias answers `{ error: "alias [x] missing" }`.
function causeOf(body: unknown): ErrorCause {
  if (typeof body !== 'object' || body === null) return {};
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return { reason: error };
  if (typeof error !== 'object' || error === null) return {};
  const { type, reason } = error as Record<string, unknown>;
  return { type: typeof type === 'string' ? type : undefined, reason: typeof reason === 'string' ? reason : undefined };
}
