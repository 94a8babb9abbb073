import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DEAD_LETTER_KEY, DeadLetters, type DeadLetterSelector } from '../live-updates/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';
import { ApiErrorCode, ApiException } from './api.exception.js';
import { DeadLetterFilterDto, ListDeadLettersQueryDto } from './dto/dead-letters.dto.js';

const KEY = { name: 'key', schema: { type: 'string', pattern: DEAD_LETTER_KEY.source }, description: 'The dead letter\'s `key` as GET /dead-letters lists it (16 hex digits)' } as const;

/**
 * The dead-letter queue, read and settled through RabbitMQ itself. Filters go in the query
 * string, also for POST and DELETE, so that the audit trail's path says which dead letters an
 * operator requeued or purged.
 */
@ApiTags('dead letters')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(AdminTokenGuard)
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  @ApiOperation({
    summary:
      'A page of the dead-letter queue from its head, in queue order: each with its `key`, `position`, entity, id, op, reason, error, attempts, firstSeen and lastSeen (ms), source (`outbox` or `broker`) and, when its body is no valid change, the body. Read without losing or reordering anything (the messages are held unacked, then handed back; they come back flagged redelivered). Paged by place: `next` is the `offset` of the following page, null on the last; places shift when dead letters ahead are requeued or purged. 409 DEAD_LETTERS_BUSY while another replica works on the queue for over 5 s',
  })
  @ApiErrorResponses(400, 409)
  list(@Query() query: ListDeadLettersQueryDto) {
    return this.deadLetters.list({ offset: query.offset, limit: query.limit });
  }

  @Post('requeue')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Requeues the dead letters of `entity` and/or `reason`, or `all=true`, to the live queue: each copy starts again at attempt 1 and its dead letter is acked only once RabbitMQ confirmed it (a crash in between applies the change twice, which versioned writes make harmless). Dead letters whose body is no valid change are left (`skipped`): purge them. Answers the counts',
  })
  @ApiErrorResponses(400, 409)
  requeue(@Query() filter: DeadLetterFilterDto) {
    return this.deadLetters.requeue(selectorOf(filter));
  }

  @Post(':key/requeue')
  @HttpCode(200)
  @ApiOperation({ summary: 'Requeues one dead letter (the first with this key) to the live queue, acked once RabbitMQ confirmed its copy; 409 DEAD_LETTER_NOT_REQUEUABLE for a body that is no valid change, REQUEUE_NOT_CONFIRMED when the broker refused the copy' })
  @ApiParam(KEY)
  @ApiErrorResponses(400, 404, 409)
  requeueOne(@Param('key') key: string) {
    if (!DEAD_LETTER_KEY.test(key)) throw new ApiException(ApiErrorCode.INVALID_INPUT, HttpStatus.BAD_REQUEST, `key must be 16 hex digits as GET /dead-letters lists it, got ${JSON.stringify(key.slice(0, 40))}`);
    return this.deadLetters.requeue({ key });
  }

  @Delete()
  @ApiOperation({ summary: 'Purges exactly the dead letters of `entity` and/or `reason`, or `all=true`; every other one stays in its place. Answers how many were purged' })
  @ApiErrorResponses(400, 409)
  purge(@Query() filter: DeadLetterFilterDto) {
    return this.deadLetters.purge(selectorOf(filter));
  }
}

function selectorOf(filter: DeadLetterFilterDto): DeadLetterSelector {
  if (filter.all === undefined) return { entity: filter.entity, reason: filter.reason };
  if (filter.entity !== undefined || filter.reason !== undefined) throw new ApiException(ApiErrorCode.INVALID_INPUT, HttpStatus.BAD_REQUEST, 'all=true takes every dead letter: leave out entity and reason, or leave out all');
  return { all: true };
}
