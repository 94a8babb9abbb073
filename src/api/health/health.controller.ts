import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { AppConfig } from '../../config/index.js';
import { DatabaseService, SourceDatabase } from '../../job-store/index.js';
import { LiveUpdatesHealth } from '../../live-updates/index.js';
import { SearchGateway } from '../../opensearch/index.js';

// Below a load balancer's usual 5 s check timeout, so a hung dependency reads as down, not as a hung service.
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Unauthenticated on purpose: load balancers and orchestrators call it. Three answers:
 * - `/health/live`: the process answers. Never fails because a dependency is down: a liveness probe
 *   that did would restart every replica during an OpenSearch outage, exactly when jobs should pause
 *   and wait for it.
 * - `/health/ready`: what serving needs (the state database, RabbitMQ, the current cluster); 503 takes
 *   the replica out of its Service until they answer.
 * - `/health`: the summary, the source database and the mode besides.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

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
      ...this.readiness(),
      // Where rows are read (SOURCE_DATABASE_URL): probed even when it is DATABASE_URL, so the shape never depends on it.
      this.probe('mysql_source', () => this.source.isHealthy()),
      // REINDEX_MODE: `observe` plans and reports only.
      () => this.indicators.check('mode').up({ mode: this.config.reindex.mode }),
    ]);
  }

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.indicators.check('process').up({ instance: this.config.instanceId, uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) })]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.readiness());
  }

  private readiness() {
    return [
      this.probe('mysql', () => this.database.isHealthy()),
      this.probe('opensearch', () => this.search.isHealthy()),
      this.probe('rabbitmq', () => this.liveUpdates.isHealthy()),
    ];
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
