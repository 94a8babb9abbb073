import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Plain decimal digits become a number; anything else (`0x10`, `1e3`, ` 5`) is left for @IsInt to refuse. */
const Decimal = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value));

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
