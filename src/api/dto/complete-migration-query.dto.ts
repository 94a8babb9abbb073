import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** `?approve=true`: a query flag, so that a cutover keeps taking a POST without a body. */
export class CompleteMigrationQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: "`true`: cut over even when the relevance gate finds the next cluster's searches worse (recorded with the token's name); without it such a cutover is refused with 409 RELEVANCE_GATE_BLOCKED and the report",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  approve?: 'true' | 'false';
}
