import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { LiveUpdatesErrorCode } from '../../live-updates/index.js';

/** Plain decimal digits become a number; anything else (`0x10`, `1e3`, ` 5`) is left for @IsInt to refuse. */
const Decimal = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value));

/** Why a message is in the dead-letter queue: the service's reasons, then those of RabbitMQ's own dead-lettering (x-death). */
export const DEAD_LETTER_REASONS = [...Object.values(LiveUpdatesErrorCode), 'rejected', 'expired', 'maxlen', 'delivery_limit'];

/** `GET /dead-letters` paging: a queue has no ids to page by, only places from its head. */
export class ListDeadLettersQueryDto {
  @ApiPropertyOptional({ description: 'Place in the queue to start from (0 = the head): the `next` of the previous page', minimum: 0, maximum: 100_000, default: 0 })
  @Decimal()
  @IsInt()
  @Min(0)
  @Max(100_000)
  offset = 0;

  @ApiPropertyOptional({ description: 'Dead letters per page', minimum: 1, maximum: 500, default: 50 })
  @Decimal()
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;
}

const filterGiven = (filter: DeadLetterFilterDto) => filter.entity !== undefined || filter.reason !== undefined;

/** Which dead letters a requeue or a purge takes: `entity` and/or `reason`, or `all=true`; never nothing, never both. */
export class DeadLetterFilterDto {
  @ApiPropertyOptional({ description: 'Only the dead letters of this entity (as their body names it)', maxLength: 64, example: 'event' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'entity must be a lowercase name (letters, digits, _), such as "event"' })
  @MaxLength(64)
  entity?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_REASONS, description: 'Only the dead letters with this reason (`x-reason`, or the broker\'s x-death reason)' })
  @IsOptional()
  @IsIn(DEAD_LETTER_REASONS)
  reason?: string;

  @ApiPropertyOptional({ enum: ['true'], description: 'Every dead letter; instead of `entity` and `reason`' })
  @ValidateIf((filter: DeadLetterFilterDto) => filter.all !== undefined || !filterGiven(filter))
  @IsIn(['true'], { message: 'name the dead letters: entity and/or reason, or all=true' })
  all?: 'true';
}
