import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SearchClusters, type ClustersReport } from '../opensearch/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';

@ApiTags('clusters')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(AdminTokenGuard)
@Controller('clusters')
export class ClustersController {
  constructor(private readonly clusters: SearchClusters) {}

  @Get()
  @ApiOperation({
    summary:
      'The search clusters this replica is configured with (current: OPENSEARCH_*, next: OPENSEARCH_NEXT_*): host, whether it answers, engine, version, cluster UUID and name; `problems` lists what stands in the way of a migration to the next cluster',
  })
  describe(): Promise<ClustersReport> {
    return this.clusters.describe();
  }
}
