import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';

/**
 * `/metrics` and `/live-updates/status` show how the service runs: they take a token (a viewer's
 * will do), unless METRICS_PUBLIC=true (a scraper inside a trusted network).
 */
@Injectable()
export class OperationsAccessGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly adminToken: AdminTokenGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    return this.config.metricsPublic || this.adminToken.canActivate(context);
  }
}
