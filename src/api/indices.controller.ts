import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/index.js';
import { DriftDetector } from '../drift/index.js';
import { AliasRouting } from '../indexing/index.js';
import { IndexRegistry, type IndexDefinition } from '../indices/index.js';
import { isActiveMigration, JobStore, type CheckKind, type ClusterMigration } from '../job-store/index.js';
import { AliasLookups, IndexRollback, IndexSync, ReindexService } from '../reindex/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';
import { ClusterQueryDto } from './dto/cluster-query.dto.js';
import { SyncQueryDto } from './dto/sync-query.dto.js';
import { ReindexRequestDto } from './dto/reindex-request.dto.js';
import { ScheduleDto } from './dto/schedule.dto.js';
import { jobView } from './job-view.js';

/** What GET /indices shows of a migration under way. */
function activeMigrationView({ id, state, fromClusterUuid, toClusterUuid, jobId, readsNextPercent, waitingFor }: ClusterMigration) {
  return { id, state, fromClusterUuid, toClusterUuid, jobId, readsNextPercent, waitingFor };
}

/** The `code` of a sync that left documents it could not restore. */
const SYNC_INCOMPLETE = 'SYNC_INCOMPLETE';

@ApiTags('indices')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(AdminTokenGuard)
@Controller('indices')
export class IndicesController {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: IndexRegistry,
    private readonly store: JobStore,
    private readonly reindex: ReindexService,
    private readonly lookups: AliasLookups,
    private readonly indexSync: IndexSync,
    private readonly drift: DriftDetector,
    private readonly rollbacks: IndexRollback,
    private readonly routing: AliasRouting,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Every code-defined index: the cluster (UUID) it lives on, live index, code hash vs live hash, drift, document count, active job, schedule, `rollback` while an operator\'s rollback holds the code\'s definition back from rebuilds (drift `rolled-back`), `migration` while the alias moves to the next cluster, and `hint` when a concrete index the service did not create holds the name (drift `legacy`: adopt it)',
  })
  async list() {
    return Promise.all(
      this.registry.all().map(async (definition) => {
        const alias = this.registry.aliasFor(definition);
        const { gateway, clusterUuid, migration, activeJob } = await this.routing.routeOf(alias);
        const liveIndex = await this.lookups.liveIndex(alias, gateway);
        const liveHash = liveIndex ? (await gateway.getIndexMeta(liveIndex)).definitionHash : null;
        const mirrorJob = migration?.state === 'MIRRORING' ? await this.store.findMirrorRebuild(alias, migration.toClusterUuid) : null;
        const drift = await this.drift.status(definition);
        return {
          alias,
          cluster: clusterUuid ?? (await gateway.clusterInfo()).clusterUuid,
          liveIndex,
          codeHash: this.registry.definitionHash(definition),
          liveHash,
          drift,
          hint: drift === 'legacy' ? `${alias} is a concrete index the service did not create: it stays serving, untouched, until adopted (POST /indices/${alias}/adopt)` : null,
          documents: liveIndex ? await gateway.count(alias) : 0,
          activeJob: activeJob ? jobView(activeJob, this.config.reindex) : null,
          mirrorJob: mirrorJob ? jobView(mirrorJob, this.config.reindex) : null,
          schedule: await this.store.getSchedule(alias),
          rollback: await this.rollbackView(definition),
          migration: migration && isActiveMigration(migration) ? activeMigrationView(migration) : null,
        };
      }),
    );
  }

  @Get('plan')
  @ApiOperation({
    summary:
      'For every alias, what start-up (the deploy check) would do and why: `create` (nothing serves it), `nothing` (in sync), `rebuild` (drifted), `adopt-required` / `adopt` (a concrete index the service did not create holds the name; `adopt` with REINDEX_ADOPT_EXISTING=true), `wait` (`heldBy`: a rollback, a newer deploy, a job already tried); with the code\'s mappings and settings compared field by field with the live index\'s (`diff`: added, removed, changed paths)',
  })
  async planAll() {
    return Promise.all(this.registry.all().map((definition) => this.drift.plan(definition)));
  }

  @Get(':alias/plan')
  @ApiOperation({ summary: 'What start-up would do for this alias and why, with the field-by-field diff of code and live index (see GET /indices/plan)' })
  @ApiErrorResponses(404)
  async plan(@Param('alias') alias: string) {
    return this.drift.plan(this.registry.byAlias(alias));
  }

  @Post(':alias/adopt')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Adopt a concrete index named like the alias that the service did not create: a FULL job builds the alias from the source, then at its swap write-blocks the old index, clones it to `<alias>_adopted_<job id>` (kept, never deleted by the service) and replaces it with the alias in one _aliases call. 202 with the job (an adoption under way is returned as is). 409 NOTHING_TO_ADOPT when the name is not a concrete index',
  })
  @ApiErrorResponses(404, 409)
  async adopt(@Param('alias') alias: string) {
    const { job, created } = await this.reindex.requestFull(alias, 'MANUAL', { adopt: true });
    return { ...jobView(job, this.config.reindex), created };
  }

  @Post(':alias/reindex')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Full rebuild, or partial re-index of given row ids; 202 with the job (an existing active full job is returned as is). While the alias mirrors to the next cluster a full rebuild runs on both: `mirrorJob` is the one there; while a migration builds, the build there is the rebuild (one of an older definition is replaced); after the cutover it runs on the cluster the alias moved to. 409 MIGRATION_ACTIVE when the migration moved on while its build was replaced (ask again); 409 LEGACY_INDEX when a concrete index the service did not create holds the name (adopt it: POST /indices/:alias/adopt)',
  })
  @ApiErrorResponses(400, 404, 413, 415)
  async trigger(@Param('alias') alias: string, @Body() request: ReindexRequestDto) {
    if (request.mode === 'partial') return jobView(await this.reindex.requestPartial(alias, request.ids ?? [], 'MANUAL'), this.config.reindex);
    const { job, created, mirrorJob } = await this.reindex.requestFull(alias, 'MANUAL');
    return { ...jobView(job, this.config.reindex), created, mirrorJob: mirrorJob && jobView(mirrorJob, this.config.reindex) };
  }

  @Post(':alias/rollback')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Move the alias back to the index it served before its last swap, in one _aliases call (it must still exist, kept by REINDEX_RETAIN_PREVIOUS, and carry a definition hash). The definition rolled back from is then not rebuilt by deploy checks or schedules until a deploy changes it; a manual rebuild still can. 409 ROLLBACK_REFUSED while a job of the alias has not ended or when there is nothing to roll back to',
  })
  @ApiErrorResponses(404, 409)
  async rollback(@Param('alias') alias: string) {
    return this.indexSync.rollback(alias);
  }

  @Get(':alias/verify')
  @ApiOperation({
    summary:
      'Compare the source with the index behind the alias in the request, on the cluster it lives on (the current one until a migration cuts over), or the one `?cluster=current|next` names: counts, and missing, stale and extra ids (first 100 of each, with totals). For a large index POST it instead: a job with progress',
  })
  @ApiErrorResponses(400, 404, 409)
  async verify(@Param('alias') alias: string, @Query() query: ClusterQueryDto) {
    return this.indexSync.verify(alias, query.cluster);
  }

  @Post(':alias/verify')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Verify as a job: 202 with a VERIFY job (`Location: /jobs/:id`) that takes a run slot, shows its progress (documents compared of both sides\' counts), can be cancelled, and keeps its report in `result` (what GET …/verify answers). The cluster as for GET; one active VERIFY job per alias and cluster: asking again returns it (`created: false`)',
  })
  @ApiErrorResponses(400, 404, 409)
  async verifyJob(@Param('alias') alias: string, @Query() query: ClusterQueryDto, @Res({ passthrough: true }) response: Response) {
    return this.checkJob(alias, 'VERIFY', query, response);
  }

  @Post(':alias/sync')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Repair exactly what verify finds (missing, stale, extra) from MySQL, on the cluster the alias lives on or the one `?cluster=current|next` names. 202 with a SYNC job as for POST …/verify, its report in `result` (`unrepaired`: what it could not restore). With `?wait=true`, in the request: 200 with the report, or 409 with code SYNC_INCOMPLETE and the same report when some documents could not be restored',
  })
  @ApiErrorResponses(400, 404, 409)
  async sync(@Param('alias') alias: string, @Query() query: SyncQueryDto, @Res({ passthrough: true }) response: Response) {
    if (query.wait !== 'true') return this.checkJob(alias, 'SYNC', query, response);
    const report = await this.indexSync.sync(alias, query.cluster);
    response.status(HttpStatus.OK);
    if (report.unrepaired.total === 0) return report;
    response.status(HttpStatus.CONFLICT);
    return { statusCode: HttpStatus.CONFLICT, code: SYNC_INCOMPLETE, message: `${report.unrepaired.total} documents not restored: ${report.unrepaired.reason}`, ...report };
  }

  private async checkJob(alias: string, kind: CheckKind, query: ClusterQueryDto, response: Response) {
    const { job, created } = await this.reindex.requestCheck(alias, kind, 'MANUAL', query.cluster);
    response.location(`/jobs/${job.id}`);
    return { ...jobView(job, this.config.reindex), created };
  }

  private async rollbackView(definition: IndexDefinition) {
    const held = await this.rollbacks.holding(definition);
    return held
      ? {
          fromIndex: held.fromIndex,
          toIndex: held.toIndex,
          rolledBackAt: held.rolledBackAt,
          heldDefinitionHash: held.heldDefinitionHash,
          note: 'the definition rolled back from is not rebuilt by a deploy check or a schedule until a deploy changes it; a manual full rebuild still rebuilds it',
        }
      : null;
  }

  @Get(':alias/schedule')
  @ApiOperation({ summary: 'The periodic rebuild or repair of this index; `enabled: false` when there is none' })
  @ApiErrorResponses(404)
  async getSchedule(@Param('alias') alias: string) {
    this.registry.byAlias(alias);
    return (await this.store.getSchedule(alias)) ?? { alias, enabled: false };
  }

  @Put(':alias/schedule')
  @ApiOperation({ summary: 'Create or replace the periodic rebuild (mode full) or repair (mode sync) of this index; `{"enabled": false}` alone switches it off' })
  @ApiErrorResponses(400, 404, 413, 415)
  async putSchedule(@Param('alias') alias: string, @Body() schedule: ScheduleDto) {
    this.registry.byAlias(alias);
    const stored = await this.store.getSchedule(alias);
    const intervalMinutes = schedule.intervalMinutes ?? stored?.intervalMinutes;
    const mode = schedule.mode === undefined ? stored?.mode : schedule.mode === 'sync' ? 'SYNC' : 'FULL';
    // Only a switch-off may leave them out (the DTO checks); with no schedule stored there is nothing to switch off.
    if (intervalMinutes === undefined || mode === undefined) return { alias, enabled: false };
    return this.store.putSchedule({ alias, enabled: schedule.enabled, intervalMinutes, mode });
  }
}
