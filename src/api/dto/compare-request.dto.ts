import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsNotEmptyObject, IsObject, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';

/** May be left out, but not sent as null: null is no value for any of these fields. */
const Optional = () => ValidateIf((_object, value) => value !== undefined);

export class CompareQueryDto {
  @ApiPropertyOptional({ maxLength: 200, example: 'jazz in Berlin', description: 'How the report names the query; its position when absent' })
  @Optional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { query: { multi_match: { query: 'jazz berlin', fields: ['title', 'venue.name'] } } },
    description: 'A search request body (query DSL), run through the alias on both clusters; `size`, `track_total_hits` and `_source` are set by the comparison',
  })
  @IsObject()
  @IsNotEmptyObject()
  body!: Record<string, unknown>;
}

export class CompareRequestDto {
  @ApiPropertyOptional({ type: [CompareQueryDto], minItems: 1, maxItems: 100, description: 'The searches to compare; when absent, `sampleSize` queries made from documents sampled from the current cluster' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CompareQueryDto)
  queries?: CompareQueryDto[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 50, default: 5, description: 'Timed runs of each query on each cluster (after one untimed run)' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(50)
  repeat?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 20, description: 'Queries to derive when `queries` is absent and the alias has no query set (as many searches as a query set may expand to)' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(200)
  sampleSize?: number;
}
