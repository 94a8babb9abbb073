import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../api-error-responses.decorator.js';
import { OperationsAccessGuard } from '../operations-access.guard.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('operations')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(OperationsAccessGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics: jobs, documents written, phases, live changes, queues, OpenSearch requests (README lists them)' })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
