import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ClusterQueryDto } from './cluster-query.dto.js';

/** `?cluster=` as for verify, and `?wait=true`: the sync in the request rather than as a job. */
export class SyncQueryDto extends ClusterQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: '`true`: sync in the request and answer with the report (200, or 409 SYNC_INCOMPLETE), for scripts and small indices; without it, 202 with a SYNC job',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  wait?: 'true' | 'false';
}
