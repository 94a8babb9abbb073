import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClusterComparison, ClusterMigrations, type ComparisonReport, type MigrationView, type ReadsView } from '../cluster-migration/index.js';
import { AppConfig } from '../config/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';
import { CompareRequestDto } from './dto/compare-request.dto.js';
import { CompleteMigrationQueryDto } from './dto/complete-migration-query.dto.js';
import { ReadsShareDto } from './dto/reads-share.dto.js';
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
  @ApiOperation({
    summary:
      "The alias's last migration (state BUILDING, MIRRORING, CUT_OVER, ABORTING, RETIRING, RETIRED, FAILED or ABORTED) and its build job; `migration` null when there was none. An ABORTING or RETIRING migration says in `waitingFor` what its next step waits for (readers, the re-sync, mirrored writes to replay, a cluster that does not answer)",
  })
  @ApiErrorResponses(404)
  async migration(@Param('alias') alias: string) {
    return this.view(await this.migrations.view(alias));
  }

  @Post(':alias/migration/abort')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Back to the old cluster alone, at any point before retire: the migration is ABORTING at once (writes go to the old cluster alone, reads 0 % to the next), a build still running is cancelled, and the service carries on in the background, on any replica and across restarts: after a cutover the old index is re-synced from MySQL (`resyncedAt`), then once readers had MIGRATION_READS_GRACE_SECONDS to leave the next cluster what the migration built there is deleted (only the service\'s own indices) and the migration is ABORTED. Again while ABORTING or once ABORTED: the migration as it is. 409 NO_ACTIVE_MIGRATION, MIGRATION_RETIRING, ILLEGAL_TRANSITION (the build is swapping its alias: nothing changed, try again)',
  })
  @ApiErrorResponses(404, 409)
  async abort(@Param('alias') alias: string) {
    return this.view(await this.migrations.abort(alias));
  }

  @Post(':alias/migration/complete')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cutover: the next cluster becomes the alias\'s own (state CUT_OVER). Writes go only there from then on, reads 100 %; the old index stays until retire, and abort still goes back to it. First the relevance gate runs the alias\'s query set on both clusters (`relevance` in the answer): searches worse on the next cluster refuse the cutover with 409 RELEVANCE_GATE_BLOCKED and the report, unless asked with `?approve=true`. 409 MIGRATION_NOT_MIRRORING, CLUSTER_UNAVAILABLE (both clusters must answer), ALIAS_NOT_ON_CLUSTER, MIRROR_BACKLOG (mirrored writes still to replay: try again), RELEVANCE_GATE_BLOCKED',
  })
  @ApiErrorResponses(400, 404, 409)
  async complete(@Param('alias') alias: string, @Query() query: CompleteMigrationQueryDto) {
    return this.view(await this.migrations.complete(alias, query.approve === 'true'));
  }

  @Post(':alias/migration/retire')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "After the cutover: the migration is RETIRING at once (no abort after this), and the service carries on in the background, on any replica and across restarts: once readers had MIGRATION_READS_GRACE_SECONDS to leave the old cluster and no mirrored write is left to replay on the next one, the alias's indices on the old cluster are deleted (only the service's own) and the migration is RETIRED. An old cluster that does not answer keeps it RETIRING (`waitingFor` says why). Again while RETIRING or once RETIRED: the migration as it is. 409 MIGRATION_NOT_CUT_OVER",
  })
  @ApiErrorResponses(404, 409)
  async retire(@Param('alias') alias: string) {
    return this.view(await this.migrations.retire(alias));
  }

  @Get(':alias/reads')
  @ApiOperation({
    summary:
      "What applications poll to route the alias's searches: each cluster (UUID, `cluster_name`, engine: never a URL, applications map the name to their own) with its share of reads, and since when. One cluster at 100 % when no migration is under way. Poll more often than `graceSeconds` (MIGRATION_READS_GRACE_SECONDS): a cluster whose share dropped to 0 keeps the alias that long after `since`, then an abort or a retire may delete it",
  })
  @ApiErrorResponses(404)
  reads(@Param('alias') alias: string): Promise<ReadsView> {
    return this.migrations.reads(alias);
  }

  @Put(':alias/reads')
  @ApiOperation({ summary: 'Records the share of reads (0–100 %) applications should send to the next cluster, while the migration mirrors; revert by setting 0. 409 NO_ACTIVE_MIGRATION, MIGRATION_NOT_MIRRORING' })
  @ApiErrorResponses(400, 404, 409, 413, 415)
  setReads(@Param('alias') alias: string, @Body() request: ReadsShareDto): Promise<ReadsView> {
    return this.migrations.setReads(alias, request.next);
  }

  private view({ migration, job, relevance }: MigrationView) {
    return { migration, job: job ? jobView(job, this.config.reindex) : null, ...(relevance ? { relevance } : {}) };
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
