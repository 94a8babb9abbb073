import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class ReadsShareDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, example: 20, description: 'Percentage of reads applications should send to the next cluster' })
  @IsInt()
  @Min(0)
  @Max(100)
  next!: number;
}
