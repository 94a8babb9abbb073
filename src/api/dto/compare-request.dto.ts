import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsNotEmptyObject, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class CompareQueryDto {
  @ApiPropertyOptional({ maxLength: 200, example: 'jazz in Berlin', description: 'How the report names the query; its position when absent' })
  @IsOptional()
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
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CompareQueryDto)
  queries?: CompareQueryDto[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 50, default: 5, description: 'Timed runs of each query on each cluster (after one untimed run)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  repeat?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Queries to derive when `queries` is absent' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  sampleSize?: number;
}
