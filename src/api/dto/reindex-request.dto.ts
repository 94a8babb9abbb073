import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, Min, ValidateIf } from 'class-validator';

export class ReindexRequestDto {
  @ApiProperty({ enum: ['full', 'partial'] })
  @IsIn(['full', 'partial'])
  mode!: 'full' | 'partial';

  @ApiPropertyOptional({ type: [Number], description: 'Row ids to re-index (partial only), at most 10,000', example: [1, 2, 3] })
  @ValidateIf((request: ReindexRequestDto) => request.mode === 'partial')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @Type(() => Number)
  @IsInt({ each: true })
  @Min(1, { each: true })
  ids?: number[];
}
