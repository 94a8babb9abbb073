import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { ClusterRole } from '../../config/index.js';

/** `?cluster=`: which configured cluster a verify or sync looks at. */
export class ClusterQueryDto {
  @ApiPropertyOptional({ enum: ['current', 'next'], default: 'current', description: 'The cluster search runs on (OPENSEARCH_*), or the one it moves to (OPENSEARCH_NEXT_*)' })
  @IsOptional()
  @IsIn(['current', 'next'])
  cluster?: ClusterRole;
}
