import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/index.js';
import { DefinitionDeployments } from '../indexing/index.js';
import { JobStore, type Job } from '../job-store/index.js';
import { JobCommands } from '../reindex/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';
import { JOBS_PAGE_DEFAULT, ListJobsQueryDto } from './dto/list-jobs-query.dto.js';
import { RethrottleDto } from './dto/rethrottle.dto.js';
import { jobView } from './job-view.js';
import { pageOf } from './paging.js';
import { MAX_ID, ParseIdPipe } from './pipes/parse-id.pipe.js';

const JOB_ID = { name: 'id', schema: { type: 'integer', minimum: 1, maximum: MAX_ID }, description: 'The job id, in decimal' } as const;

@ApiTags('jobs')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(AdminTokenGuard)
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly config: AppConfig,
    private readonly store: JobStore,
    private readonly commands: JobCommands,
    private readonly deployments: DefinitionDeployments,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Jobs, newest first, filtered by alias, status and kind. With `limit` or `before`, a page: `{ jobs, next }`, where `next` is the `before` of the following (older) page, null on the last. Without either, the newest 100 as a bare array, the answer from before paging',
  })
  @ApiErrorResponses(400)
  async list(@Query() { alias, status, kind, limit, before }: ListJobsQueryDto) {
    const size = limit ?? JOBS_PAGE_DEFAULT;
    const page = pageOf(await this.store.listJobs({ alias, status, kind, before, limit: size + 1 }), size);
    const jobs = page.items.map((job) => this.view(job));
    return limit === undefined && before === undefined ? jobs : { jobs, next: page.next };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One job with progress, rate, ETA and every transition' })
  @ApiParam(JOB_ID)
  @ApiErrorResponses(400, 404)
  async get(@Param('id', ParseIdPipe) id: number) {
    const job = await this.commands.getJob(id);
    // Only a replica whose code has the job's definition runs it (rolling deploys run old and new code).
    const waitingFor =
      job.status === 'PENDING' && !(await this.deployments.isDeployed(job.alias, job.definitionHash))
        ? `a replica whose code has definition ${job.definitionHash.slice(0, 12)}; none is running`
        : null;
    return { ...jobView(job, this.config.reindex, await this.store.listTransitions(id)), waitingFor };
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a pending or running job; it waits for resume' })
  @ApiParam(JOB_ID)
  @ApiErrorResponses(400, 404, 409)
  async pause(@Param('id', ParseIdPipe) id: number) {
    return this.view(await this.commands.pause(id));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused job' })
  @ApiParam(JOB_ID)
  @ApiErrorResponses(400, 404, 409)
  async resume(@Param('id', ParseIdPipe) id: number) {
    return this.view(await this.commands.resume(id));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Approve a job the relevance gate stopped before its swap (`pausedBy: \"relevance-gate\"`, the report in `relevance`): the approval (the token's name) is recorded on the job's gate record and its transition, and the job resumes, compares again and swaps. 409 NOT_AWAITING_APPROVAL for any other job",
  })
  @ApiParam(JOB_ID)
  @ApiErrorResponses(400, 404, 409)
  async approve(@Param('id', ParseIdPipe) id: number) {
    return this.view(await this.commands.approve(id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a job that has not ended; its partial index is removed' })
  @ApiParam(JOB_ID)
  @ApiErrorResponses(400, 404, 409)
  async cancel(@Param('id', ParseIdPipe) id: number) {
    return this.view(await this.commands.cancel(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary:
      'Rethrottle a FULL job that has not ended: `{"maxDocsPerSecond": N}` (0 = unlimited) paces its backfill within a second, on whichever replica runs it, and stays on the job (pauses, takeovers), overriding the adaptive pace; `{"maxDocsPerSecond": null}` hands it back to the service\'s pace (REINDEX_PACE)',
  })
  @ApiParam(JOB_ID)
  @ApiErrorResponses(400, 404, 409, 413, 415)
  async rethrottle(@Param('id', ParseIdPipe) id: number, @Body() request: RethrottleDto) {
    return this.view(await this.commands.rethrottle(id, request.maxDocsPerSecond));
  }

  private view(job: Job) {
    return jobView(job, this.config.reindex);
  }
}
