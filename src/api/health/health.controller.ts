import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { AppConfig } from '../../config/app-config.js';
import { DatabaseService } from '../../job-store/database.service.js';
import { SourceDatabase } from '../../job-store/source-database.js';
import { LiveUpdatesHealth } from '../../live-updates/live-updates-health.service.js';
import { SearchGateway } from '../../opensearch/search-gateway.js';

// Below a load balancer's usual 5 s check timeout, so a hung dependency reads as down, not as a hung service.
const PROBE_TIMEOUT_MS = 3_000;

/** Unauthenticated on purpose: load balancers and orchestrators call it. 503 when any part is down. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseService,
    private readonly source: SourceDatabase,
    private readonly search: SearchGateway,
    private readonly liveUpdates: LiveUpdatesHealth,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      this.probe('mysql', () => this.database.isHealthy()),
      // Where rows are read (SOURCE_DATABASE_URL): probed even when it is DATABASE_URL, so the shape never depends on it.
      this.probe('mysql_source', () => this.source.isHealthy()),
      this.probe('opensearch', () => this.search.isHealthy()),
      this.probe('rabbitmq', () => this.liveUpdates.isHealthy()),
      // REINDEX_MODE: `observe` plans and reports only.
      () => this.indicators.check('mode').up({ mode: this.config.reindex.mode }),
    ]);
  }

  private probe(key: string, isHealthy: () => Promise<boolean>) {
    return this.indicators
      .check(key)
      .attempt(async () => {
        if (!(await isHealthy())) throw new Error(`${key} is unreachable`);
      })
      .withTimeout(PROBE_TIMEOUT_MS);
  }
}
