import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';

export class ScheduleDto {
  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({ type: 'integer', minimum: 5, maximum: 7 * 24 * 60, example: 180 })
  @IsInt()
  @Min(5)
  @Max(7 * 24 * 60)
  intervalMinutes!: number;

  @ApiProperty({
    enum: ['full', 'sync'],
    description: '`full` rebuilds into a new index and swaps the alias; `sync` repairs in place exactly what verify finds (missing, stale, extra), far cheaper',
  })
  @IsIn(['full', 'sync'])
  mode!: 'full' | 'sync';
}
