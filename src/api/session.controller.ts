import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard, type AuthenticatedRequest } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';

/** Who the request's token is: the console shows it and hides what a viewer may not do. */
@ApiTags('session')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(AdminTokenGuard)
@Controller('session')
export class SessionController {
  @Get()
  @ApiOperation({ summary: "The token's name and role (`operator`, or `viewer`: reads everything, changes nothing), never the token" })
  whoAmI(@Req() request: AuthenticatedRequest) {
    const { name, role } = request.apiToken!;
    return { name, role };
  }
}
