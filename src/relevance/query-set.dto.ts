import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmptyObject, IsObject, IsString, Matches, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';

/** May be left out, but not sent as null. */
const Optional = () => ValidateIf((_object, value) => value !== undefined);

/**
 * One named search of a query set. Checked by the API's ValidationPipe for PUT /indices/:alias/queries
 * and by querySetProblems for a `<alias>.queries.yaml` at start-up: the same class, the same rules.
 */
export class RelevanceQueryDto {
  @ApiProperty({ maxLength: 200, example: 'title words' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^[^[\]]*$/, { message: 'name must not contain [ or ] (the expanded names use them)' })
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { query: { match: { title: '{{q}}' } } },
    description: 'A search request body (query DSL); a string may hold `{{param}}` placeholders, filled from each entry of `params`',
  })
  @IsObject()
  @IsNotEmptyObject()
  body!: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: { type: 'string' } },
    example: [{ q: 'jazz' }, { q: 'open air' }],
    description: 'Values for the placeholders: the query runs once per entry, named `name [param=value]`',
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  params?: Record<string, string>[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0, maximum: 3 },
    example: { '42': 3, '7': 1 },
    description: 'Document id → grade (0 not relevant … 3 perfect): makes the query judged (nDCG@10 and MRR@10 by `_rank_eval`). Not with `params`',
  })
  @Optional()
  @IsObject()
  @IsNotEmptyObject()
  ratings?: Record<string, number>;
}

export class QuerySetDto {
  @ApiProperty({ type: [RelevanceQueryDto], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RelevanceQueryDto)
  queries!: RelevanceQueryDto[];
}
