import { randomUUID } from 'node:crypto';
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ClusterMigrationException } from '../cluster-migration/index.js';
import { IndexingErrorCode, IndexingException } from '../indexing/index.js';
import { IndicesException } from '../indices/index.js';
import { DeadLettersErrorCode, DeadLettersException } from '../live-updates/index.js';
import { isStateDatabaseUnreachable, SourceDatabaseUnreachableError } from '../job-store/index.js';
import { OpenSearchGatewayException } from '../opensearch/index.js';
import { ReindexErrorCode, ReindexException } from '../reindex/index.js';
import { RelevanceException } from '../relevance/index.js';
import { ApiErrorCode } from './api.exception.js';

const INDEXING_STATUS_BY_CODE: Record<IndexingErrorCode, HttpStatus> = {
  [IndexingErrorCode.BULK_REJECTED]: HttpStatus.BAD_GATEWAY,
  [IndexingErrorCode.DEFINITION_NOT_CURRENT]: HttpStatus.CONFLICT,
};

const STATUS_BY_CODE: Record<ReindexErrorCode, HttpStatus> = {
  [ReindexErrorCode.UNKNOWN_ALIAS]: HttpStatus.NOT_FOUND,
  [ReindexErrorCode.JOB_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ReindexErrorCode.ILLEGAL_TRANSITION]: HttpStatus.CONFLICT,
  [ReindexErrorCode.VERIFY_REFUSED]: HttpStatus.CONFLICT,
  [ReindexErrorCode.NO_LIVE_INDEX]: HttpStatus.CONFLICT,
  [ReindexErrorCode.TARGET_LOST]: HttpStatus.CONFLICT,
  [ReindexErrorCode.RETHROTTLE_REFUSED]: HttpStatus.CONFLICT,
  [ReindexErrorCode.NOT_AWAITING_APPROVAL]: HttpStatus.CONFLICT,
  [ReindexErrorCode.ROLLBACK_REFUSED]: HttpStatus.CONFLICT,
  [ReindexErrorCode.HELD_BY_ROLLBACK]: HttpStatus.CONFLICT,
  [ReindexErrorCode.MIGRATION_ACTIVE]: HttpStatus.CONFLICT,
  [ReindexErrorCode.NO_NEXT_CLUSTER]: HttpStatus.CONFLICT,
  [ReindexErrorCode.LEGACY_INDEX]: HttpStatus.CONFLICT,
  [ReindexErrorCode.NOTHING_TO_ADOPT]: HttpStatus.CONFLICT,
  [ReindexErrorCode.OBSERVE_MODE]: HttpStatus.CONFLICT,
  [ReindexErrorCode.INDEX_NOT_MANAGED]: HttpStatus.NOT_FOUND,
  [ReindexErrorCode.NOT_AN_ORPHAN]: HttpStatus.CONFLICT,
};

const DEAD_LETTERS_STATUS_BY_CODE: Record<DeadLettersErrorCode, HttpStatus> = {
  [DeadLettersErrorCode.DEAD_LETTER_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [DeadLettersErrorCode.DEAD_LETTER_NOT_REQUEUABLE]: HttpStatus.CONFLICT,
  [DeadLettersErrorCode.DEAD_LETTERS_BUSY]: HttpStatus.CONFLICT,
  [DeadLettersErrorCode.REQUEUE_NOT_CONFIRMED]: HttpStatus.CONFLICT,
  [DeadLettersErrorCode.RABBITMQ_UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
};

/** The `type` body-parser gives its errors (and refuseDeepJson's), as Nest passes them on in `cause`. */
const CODE_BY_PARSER_ERROR = new Map<unknown, ApiErrorCode>([
  ['entity.parse.failed', ApiErrorCode.INVALID_JSON],
  ['entity.too.deep', ApiErrorCode.JSON_TOO_DEEP],
  ['entity.too.large', ApiErrorCode.PAYLOAD_TOO_LARGE],
  ['charset.unsupported', ApiErrorCode.UNSUPPORTED_MEDIA_TYPE],
  ['encoding.unsupported', ApiErrorCode.UNSUPPORTED_MEDIA_TYPE],
]);

/**
 * Every error leaves as `{ statusCode, code, message }`; module exceptions map by their code, never to a 500.
 * 503 only when a named dependency did not answer; anything else unexpected is a 500 with an `errorId`
 * that the log line with its stack carries too.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(exception);
    response.status(status).json({ statusCode: status, ...body });
  }

  private describe(exception: unknown): { status: number; body: { code: string; message: unknown; errorId?: string } } {
    if (exception instanceof ReindexException) return { status: STATUS_BY_CODE[exception.code], body: { code: exception.code, message: exception.message } };
    if (exception instanceof IndexingException) return { status: INDEXING_STATUS_BY_CODE[exception.code], body: { code: exception.code, message: exception.message } };
    if (exception instanceof ClusterMigrationException) return { status: HttpStatus.CONFLICT, body: { ...exception.details, code: exception.code, message: exception.message } };
    // Its only code is a query set that breaks a rule: bad input.
    if (exception instanceof RelevanceException) return { status: HttpStatus.BAD_REQUEST, body: { code: exception.code, message: exception.message } };
    if (exception instanceof DeadLettersException) return { status: DEAD_LETTERS_STATUS_BY_CODE[exception.code], body: { code: exception.code, message: exception.message } };
    if (exception instanceof IndicesException) return { status: HttpStatus.NOT_FOUND, body: { code: exception.code, message: exception.message } };
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const body = typeof response === 'object' ? (response as Record<string, unknown>) : { message: response };
      const parserType = (exception.cause as { type?: unknown } | undefined)?.type;
      const code = typeof body.code === 'string' ? body.code : (CODE_BY_PARSER_ERROR.get(parserType) ?? HttpStatus[exception.getStatus()]);
      return { status: exception.getStatus(), body: { code, message: body.message ?? exception.message } };
    }
    const dependency = unreachableDependency(exception);
    if (dependency) return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { code: dependency.code, message: `${dependency.name} did not answer; try again (${(exception as Error).message})` } };
    // A bug, not an outage: the id in the answer finds the stack in the log.
    const errorId = randomUUID();
    this.logger.error(`unexpected error ${errorId}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`);
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { code: ApiErrorCode.INTERNAL_ERROR, message: `unexpected error ${errorId}; the service's log has it with its stack`, errorId } };
  }
}

/** The dependency an error says is down, by name and code; null for any other error. */
function unreachableDependency(exception: unknown): { name: string; code: string } | null {
  if (exception instanceof OpenSearchGatewayException && exception.transient) return { name: 'the search cluster', code: exception.code };
  if (exception instanceof SourceDatabaseUnreachableError) return { name: 'the source database (SOURCE_DATABASE_URL)', code: 'SOURCE_DATABASE_UNAVAILABLE' };
  if (isStateDatabaseUnreachable(exception)) return { name: 'the state database (DATABASE_URL)', code: 'DATABASE_UNAVAILABLE' };
  return null;
}
