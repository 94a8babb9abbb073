import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';

export class ScheduleDto {
  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({ minimum: 5, maximum: 7 * 24 * 60, example: 180 })
  @IsInt()
  @Min(5)
  @Max(7 * 24 * 60)
  intervalMinutes!: number;

  @ApiProperty({ enum: ['full'] })
  @IsIn(['full'])
  mode!: 'full';
}
