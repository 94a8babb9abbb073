import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../api-error-responses.decorator.js';
import { OperationsAccessGuard } from '../operations-access.guard.js';
import { LiveUpdatesStatus } from './live-updates-status.service.js';

@ApiTags('operations')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(OperationsAccessGuard)
@Controller('live-updates')
export class LiveUpdatesStatusController {
  constructor(private readonly status: LiveUpdatesStatus) {}

  @Get('status')
  @ApiOperation({
    summary:
      'Live updates at a glance: consumer connection; messages ready in the live / retry / dead-letter queues and the outbox backlog (each `{ value, error }`: value null, with the error, when the broker or MySQL does not answer; outbox null when OUTBOX_ENABLED is off), and, on this replica since `since`, changes by source and outcome and the publish-to-written lag (count, sum, p50, p95) — the figures /metrics exports, as JSON',
  })
  read() {
    return this.status.read();
  }
}
