import { Controller, Delete, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PhysicalIndices } from '../reindex/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';
import { ClusterQueryDto } from './dto/cluster-query.dto.js';

/** Every physical index the service created, on each cluster, and the delete of one nothing keeps. */
@ApiTags('indices')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(AdminTokenGuard)
@Controller('physical-indices')
export class PhysicalIndicesController {
  constructor(private readonly physical: PhysicalIndices) {}

  @Get()
  @ApiOperation({
    summary:
      'For each configured cluster (current, next), every index whose `_meta` says this service created it, whatever its name: alias, documents, size in bytes, health, aliases that serve it, created, and `role` with `why`: `live` (an alias serves it where the alias lives), `building` (a job that has not ended builds it), `retained` (kept for rollback by REINDEX_RETAIN_PREVIOUS, or while a migration lasts), `next-cluster` / `previous-cluster` (serves the alias on the other end of a migration), `orphan` (nothing keeps it). Indices of other applications are not listed. A cluster that does not answer has `error` and no indices',
  })
  list() {
    return this.physical.list();
  }

  @Delete(':index')
  @ApiOperation({
    summary:
      'Deletes an orphan (role `orphan`, asked again at the call) on the current cluster or the one `?cluster=` names, through the service\'s one guarded delete. 404 INDEX_NOT_MANAGED for an index the service did not create, 409 NOT_AN_ORPHAN with its role and why for one something keeps, 409 NO_NEXT_CLUSTER for `?cluster=next` without OPENSEARCH_NEXT_NODE',
  })
  @ApiErrorResponses(400, 404, 409)
  delete(@Param('index') index: string, @Query() query: ClusterQueryDto) {
    return this.physical.deleteOrphan(query.cluster ?? 'current', index);
  }
}
