import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { MAX_ID } from '../pipes/parse-id.pipe.js';

export class ReindexRequestDto {
  @ApiProperty({ enum: ['full', 'partial'] })
  @IsIn(['full', 'partial'])
  mode!: 'full' | 'partial';

  // JSON numbers only: "1" is refused, not converted, and so is 9007199254740993 (parsed as ...992, above MAX_ID).
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'integer', minimum: 1, maximum: MAX_ID },
    minItems: 1,
    maxItems: 10_000,
    description: 'Row ids to re-index: required with mode partial, refused with mode full; at most 10,000',
    example: [1, 2, 3],
  })
  @ValidateIf((request: ReindexRequestDto) => request.mode === 'partial' || request.ids !== undefined)
  @ValidateBy({
    name: 'onlyWithPartialMode',
    validator: {
      validate: (_ids, args) => (args?.object as ReindexRequestDto).mode === 'partial',
      defaultMessage: () => 'ids is only allowed with mode "partial"',
    },
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  ids?: number[];
}
