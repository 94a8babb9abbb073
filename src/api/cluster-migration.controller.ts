import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClusterComparison, type ComparisonReport } from '../cluster-migration/cluster-comparison.service.js';
import { ClusterMigrations, type MigrationView } from '../cluster-migration/cluster-migration.service.js';
import { AppConfig } from '../config/app-config.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';
import { CompareRequestDto } from './dto/compare-request.dto.js';
import { jobView } from './job-view.js';

const DEFAULT_REPEAT = 5;
const DEFAULT_SAMPLE_SIZE = 20;

/** Moving an index's search to the next cluster (OPENSEARCH_NEXT_*). */
@ApiTags('cluster migration')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(AdminTokenGuard)
@Controller('indices')
export class ClusterMigrationController {
  constructor(
    private readonly config: AppConfig,
    private readonly comparison: ClusterComparison,
    private readonly migrations: ClusterMigrations,
  ) {}

  @Post(':alias/migrate')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Move the alias to the next cluster: a FULL job builds it there from MySQL (same phases, slots, leases, retries and pauses as a rebuild) while every live change is written to both clusters; once the alias exists there the migration is MIRRORING (every change still goes to both). 202 with the migration and its job. 409 MIGRATION_REFUSED (the problems GET /clusters lists, or no live index), MIGRATION_CONFLICT (a migration or a rebuild of the alias is under way)',
  })
  @ApiErrorResponses(404, 409)
  async migrate(@Param('alias') alias: string) {
    return this.view(await this.migrations.start(alias));
  }

  @Get(':alias/migration')
  @ApiOperation({ summary: "The alias's last migration (state BUILDING, MIRRORING, FAILED or ABORTED) and its build job; `migration` null when there was none" })
  @ApiErrorResponses(404)
  async migration(@Param('alias') alias: string) {
    return this.view(await this.migrations.view(alias));
  }

  @Post(':alias/migration/abort')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Back to the current cluster alone, at any point of a migration: writes stop going to the next cluster, the build job is cancelled and the index it built there deleted; the current cluster is not touched. 409 NO_ACTIVE_MIGRATION',
  })
  @ApiErrorResponses(404, 409)
  async abort(@Param('alias') alias: string) {
    return this.view(await this.migrations.abort(alias));
  }

  private view({ migration, job }: MigrationView) {
    return { migration, job: job ? jobView(job, this.config.reindex.maxDocsPerSecond) : null };
  }

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
