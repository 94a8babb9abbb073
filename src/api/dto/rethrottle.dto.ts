import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';

/** Far above what one node indexes, and within the INT column the pace is stored in. */
export const MAX_DOCS_PER_SECOND = 10_000_000;

export class RethrottleDto {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: MAX_DOCS_PER_SECOND,
    example: 500,
    description: "Backfill pace of the job in documents per second; 0 = unlimited; null hands the job back to the service's pace (REINDEX_PACE)",
  })
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_DOCS_PER_SECOND)
  maxDocsPerSecond!: number | null;
}
