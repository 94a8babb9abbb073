import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, ValidateIf } from 'class-validator';

export class CompleteMigrationDto {
  @ApiPropertyOptional({
    description: "Cut over even when the relevance gate finds the next cluster's searches worse (recorded with the token's name); without it such a cutover is refused with 409 RELEVANCE_GATE_BLOCKED and the report",
    default: false,
  })
  // May be left out, but not sent as null.
  @ValidateIf((_object, value) => value !== undefined)
  @IsBoolean()
  approve?: boolean;
}
