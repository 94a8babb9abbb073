import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { JobStatus } from '../job-store/job.js';
import { JobStore } from '../job-store/job-store.js';
import { ReindexService } from '../reindex/reindex.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { jobView } from './job-view.js';

@ApiTags('jobs')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly store: JobStore,
    private readonly reindex: ReindexService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Recent jobs, newest first' })
  @ApiQuery({ name: 'alias', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['PENDING', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'] })
  async list(@Query('alias') alias?: string, @Query('status') status?: JobStatus) {
    const jobs = await this.store.listJobs({ alias, status, limit: 100 });
    return jobs.map((job) => jobView(job));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One job with progress, rate, ETA and every transition' })
  async get(@Param('id', ParseIntPipe) id: number) {
    const job = await this.reindex.getJob(id);
    return jobView(job, await this.store.listTransitions(id));
  }

  @Post(':id/pause')
  @HttpCode(200)
  async pause(@Param('id', ParseIntPipe) id: number) {
    return jobView(await this.reindex.pause(id));
  }

  @Post(':id/resume')
  @HttpCode(200)
  async resume(@Param('id', ParseIntPipe) id: number) {
    return jobView(await this.reindex.resume(id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  async cancel(@Param('id', ParseIntPipe) id: number) {
    return jobView(await this.reindex.cancel(id));
  }
}
