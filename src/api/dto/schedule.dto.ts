import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, Max, Min, ValidateIf } from 'class-validator';

/** Required to switch a schedule on; switching one off may leave them out (the stored ones are kept). */
const neededUnlessSwitchingOff = (schedule: ScheduleDto, value: unknown) => schedule.enabled !== false || value !== undefined;

export class ScheduleDto {
  @ApiProperty({ example: false, description: '`false` alone switches the schedule off and keeps its interval and mode for when it is switched on again' })
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 5, maximum: 7 * 24 * 60, example: 180, description: 'Required unless `enabled` is false' })
  @ValidateIf(neededUnlessSwitchingOff)
  @IsInt()
  @Min(5)
  @Max(7 * 24 * 60)
  intervalMinutes?: number;

  @ApiPropertyOptional({
    enum: ['full', 'sync'],
    description:
      'Required unless `enabled` is false. `full` rebuilds into a new index and swaps the alias; `sync` repairs in place exactly what verify finds (missing, stale, extra), far cheaper',
  })
  @ValidateIf(neededUnlessSwitchingOff)
  @IsIn(['full', 'sync'])
  mode?: 'full' | 'sync';
}
