import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Decimal } from './decimal.js';

/** `GET /audit` paging. */
export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Only entries older than this id: the `next` of the previous page', minimum: 1 })
  @IsOptional()
  @Decimal()
  @IsInt()
  @Min(1)
  before?: number;

  @ApiPropertyOptional({ description: 'Entries per page', minimum: 1, maximum: 500, default: 50 })
  @Decimal()
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;
}
