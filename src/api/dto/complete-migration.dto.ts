import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class CompleteMigrationDto {
  @ApiPropertyOptional({
    description: "Cut over even when the relevance gate finds the next cluster's searches worse (recorded with the token's name); without it such a cutover is refused with 409 RELEVANCE_GATE_BLOCKED and the report",
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  approve?: boolean;
}
