import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClusterComparison, type ComparisonReport } from '../cluster-migration/cluster-comparison.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';
import { CompareRequestDto } from './dto/compare-request.dto.js';

const DEFAULT_REPEAT = 5;
const DEFAULT_SAMPLE_SIZE = 20;

/** Moving an index's search to the next cluster (OPENSEARCH_NEXT_*). */
@ApiTags('cluster migration')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(AdminTokenGuard)
@Controller('indices')
export class ClusterMigrationController {
  constructor(private readonly comparison: ClusterComparison) {}

  @Post(':alias/compare')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Run the same searches through the alias on the current and the next cluster and compare them: per query and in total, hit counts, first-page (top 10) overlap, rank differences, and latency p50/p95 on each side. Queries from the body, or derived from documents sampled from the current cluster. 409 NO_NEXT_CLUSTER without OPENSEARCH_NEXT_NODE, ALIAS_NOT_ON_CLUSTER while the next cluster has no such alias',
  })
  @ApiErrorResponses(400, 404, 409, 413, 415)
  compare(@Param('alias') alias: string, @Body() request: CompareRequestDto): Promise<ComparisonReport> {
    return this.comparison.compare(alias, {
      queries: request.queries?.map((query, i) => ({ name: query.name ?? `query ${i + 1}`, body: query.body })),
      repeat: request.repeat ?? DEFAULT_REPEAT,
      sampleSize: request.sampleSize ?? DEFAULT_SAMPLE_SIZE,
    });
  }
}
