import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

/** Far above what one node indexes, and within the INT column the pace is stored in. */
export const MAX_DOCS_PER_SECOND = 10_000_000;

export class RethrottleDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_DOCS_PER_SECOND, example: 500, description: 'Backfill pace of the job in documents per second; 0 = unlimited' })
  @IsInt()
  @Min(0)
  @Max(MAX_DOCS_PER_SECOND)
  maxDocsPerSecond!: number;
}
