import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { JobStatus } from '../../job-store/index.js';

// A record, so that a status added to the schema fails to compile here until it is listed.
const STATUSES = Object.keys({ PENDING: true, RUNNING: true, PAUSED: true, COMPLETED: true, FAILED: true, CANCELLED: true } satisfies Record<JobStatus, true>);

/** `GET /jobs` filters; each at most once, and nothing else. */
export class ListJobsQueryDto {
  @ApiPropertyOptional({ description: 'Only the jobs of this alias', maxLength: 191 })
  @IsOptional()
  @IsString()
  @MaxLength(191)
  alias?: string;

  @ApiPropertyOptional({ enum: STATUSES, description: 'Only the jobs in this status (upper case)' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: JobStatus;
}
