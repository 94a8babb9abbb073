import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { JobKind, JobStatus } from '../../job-store/index.js';
import { MAX_ID } from '../pipes/parse-id.pipe.js';
import { Decimal, IsIntegerFrom } from './decimal.js';

// Records, so that a status or kind added to the schema fails to compile here until it is listed.
const STATUSES = Object.keys({ PENDING: true, RUNNING: true, PAUSED: true, COMPLETED: true, FAILED: true, CANCELLED: true } satisfies Record<JobStatus, true>);
const KINDS = Object.keys({ FULL: true, PARTIAL: true, VERIFY: true, SYNC: true } satisfies Record<JobKind, true>);

/** Jobs per page when `before` comes without `limit`; also how many the unpaged list holds. */
export const JOBS_PAGE_DEFAULT = 100;
export const JOBS_PAGE_MAX = 500;

/** `GET /jobs` filters and paging; each at most once, and nothing else. */
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

  @ApiPropertyOptional({ enum: KINDS, description: 'Only the jobs of this kind (upper case)' })
  @IsOptional()
  @IsIn(KINDS)
  kind?: JobKind;

  @ApiPropertyOptional({ type: 'integer', description: 'Jobs per page. With `limit` or `before` the answer is a page, `{ jobs, next }`', minimum: 1, maximum: JOBS_PAGE_MAX, default: JOBS_PAGE_DEFAULT })
  @IsOptional()
  @Decimal()
  @IsIntegerFrom(1, JOBS_PAGE_MAX, 'the number of jobs per page')
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Only the jobs older than this job id: the `next` of the previous page', minimum: 1, maximum: MAX_ID })
  @IsOptional()
  @Decimal()
  @IsIntegerFrom(1, MAX_ID, 'a job id, the `next` of the previous page')
  before?: number;
}
