import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditStore } from '../job-store/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';
import { AuditQueryDto } from './dto/audit-query.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@ApiErrorResponses(400, 401)
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditStore) {}

  @Get()
  @ApiOperation({
    summary:
      'The audit trail: every request a token made to a route that changes something, newest first — who (token name and role), method, path, the status it was answered (403 for a viewer), replica, when. Paged: `next` is the `before` of the following page, null on the last',
  })
  async list(@Query() query: AuditQueryDto) {
    const entries = await this.audit.list({ before: query.before, limit: query.limit });
    return { entries, next: entries.length === query.limit ? entries.at(-1)!.id : null };
  }
}
