import { errors, type ApiResponse } from '@opensearch-project/opensearch';
import { responseErrorOf, toGatewayException } from './opensearch-error.mapper.js';
import { OpenSearchGatewayExceptionCode } from './opensearch-gateway.exception.js';

function responseError(statusCode: number, body: unknown): errors.ResponseError {
  return new errors.ResponseError({ statusCode, body, headers: {}, warnings: null } as unknown as ApiResponse);
}

describe('toGatewayException', () => {
  it.each([
    [503, 'unavailable_shards_exception', OpenSearchGatewayExceptionCode.UNAVAILABLE, true],
    [500, 'null_pointer_exception', OpenSearchGatewayExceptionCode.UNAVAILABLE, true],
    [429, 'rejected_execution_exception', OpenSearchGatewayExceptionCode.THROTTLED, true],
    [403, 'security_exception', OpenSearchGatewayExceptionCode.UNAUTHORIZED, false],
    [404, 'index_not_found_exception', OpenSearchGatewayExceptionCode.INDEX_NOT_FOUND, false],
    [404, 'aliases_not_found_exception', OpenSearchGatewayExceptionCode.ALIAS_CONFLICT, false],
    [400, 'mapper_parsing_exception', OpenSearchGatewayExceptionCode.REQUEST_FAILED, false],
  ])('maps a %i %s answer to %s (transient: %s)', (status, type, code, transient) => {
    const exception = toGatewayException('bulk into events_v2', responseError(status, { error: { type, reason: 'why' }, status }));

    expect(exception).toMatchObject({ code, transient, status, message: `OpenSearch bulk into events_v2 failed with ${status}: ${type}: why` });
  });

  it.each([
    ['a refused connection', new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200')],
    ['a timeout', new errors.TimeoutError('Request timed out', {} as ApiResponse)],
    ['no living connection', new errors.NoLivingConnectionsError('There are no living connections', {} as ApiResponse)],
  ])('maps %s to a transient UNAVAILABLE without a status', (_name, error) => {
    const exception = toGatewayException('refresh events_v2', error);

    expect(exception).toMatchObject({ code: OpenSearchGatewayExceptionCode.UNAVAILABLE, transient: true, status: undefined, cause: error });
    expect(exception.message).toBe(`OpenSearch refresh events_v2 failed: ${error.message}`);
  });

  it('maps anything else to a permanent REQUEST_FAILED', () => {
    expect(toGatewayException('count events', new Error('boom'))).toMatchObject({ code: OpenSearchGatewayExceptionCode.REQUEST_FAILED, transient: false });
  });
});

describe('responseErrorOf', () => {
  it('reads the error type of a structured answer', () => {
    expect(responseErrorOf(responseError(400, { error: { type: 'resource_already_exists_exception' }, status: 400 }))).toEqual({
      status: 400,
      type: 'resource_already_exists_exception',
    });
  });

  it('reads the status of a missing alias, whose error is a plain string', () => {
    expect(responseErrorOf(responseError(404, { error: 'alias [events] missing', status: 404 }))).toEqual({ status: 404, type: undefined });
  });

  it('is undefined when OpenSearch did not answer', () => {
    expect(responseErrorOf(new errors.ConnectionError('down'))).toBeUndefined();
  });
});
