/**
 * How every chaos trial runs the service: small batches, a paced backfill and a phase delay
 * so that each phase lasts long enough to be hit; short leases, retries and recovery ticks so
 * that faults resolve within a trial. Live updates keep the service's default retry policy
 * (RABBITMQ_MAX_ATTEMPTS 5, 5 s apart): no fault that leaves the dependencies up may make a
 * change fail that long, so any change in the dead-letter queue is a lost change.
 */
export const SETTINGS = {
  events: 4000,
  changesPerSecond: 5,
  maxConcurrentJobs: 1,
  batchSize: 100,
  bulkConcurrency: 2,
  maxDocsPerSecond: 800,
  /** REINDEX_FAULT_PHASE_DELAY_MS: the service waits this long before and after each phase's side effects. */
  phaseDelayMs: 800,
  leaseMs: 4000,
  recoveryIntervalMs: 2000,
  retryBaseDelayMs: 200,
  maxRetries: 3,
  pauseTimeoutMs: 45_000,
  outboxPollIntervalMs: 250,
  /** From the rebuild request, the fault and the quiet wait together end within this (set-up comes before it). */
  faultBudgetMs: 170_000,
  /** A job not ended that moved neither phase nor cursor nor documents for this long is stuck. */
  stuckAfterMs: 30_000,
} as const;

/** Within the time the service stays in one phase (REINDEX_FAULT_PHASE_DELAY_MS before and after its work). */
export const MOMENT_WINDOW_MS = 2 * SETTINGS.phaseDelayMs - 150;

/** The service environment of every replica (on top of TestContext.env). */
export function serviceEnv(): Record<string, string> {
  return {
    LOG_LEVEL: 'log',
    REINDEX_MAX_CONCURRENT_JOBS: String(SETTINGS.maxConcurrentJobs),
    REINDEX_BATCH_SIZE: String(SETTINGS.batchSize),
    REINDEX_BULK_CONCURRENCY: String(SETTINGS.bulkConcurrency),
    REINDEX_MAX_DOCS_PER_SECOND: String(SETTINGS.maxDocsPerSecond),
    REINDEX_FAULT_PHASE_DELAY_MS: String(SETTINGS.phaseDelayMs),
    REINDEX_LEASE_MS: String(SETTINGS.leaseMs),
    REINDEX_RECOVERY_INTERVAL_MS: String(SETTINGS.recoveryIntervalMs),
    REINDEX_RETRY_BASE_DELAY_MS: String(SETTINGS.retryBaseDelayMs),
    REINDEX_MAX_RETRIES: String(SETTINGS.maxRetries),
    REINDEX_PAUSE_TIMEOUT_MS: String(SETTINGS.pauseTimeoutMs),
    OUTBOX_ENABLED: 'true',
    OUTBOX_POLL_INTERVAL_MS: String(SETTINGS.outboxPollIntervalMs),
  };
}

/**
 * For the faults that stop MariaDB, RabbitMQ or OpenSearch: a change that fails during the outage
 * is dead-lettered by design once its attempts run out (README: re-publish it or run a sync), so
 * these trials retry every 2 s up to 100 times, longer than any outage the harness causes.
 */
export const OUTAGE_RETRIES: Readonly<Record<string, string>> = { RABBITMQ_RETRY_DELAY_MS: '2000', RABBITMQ_MAX_ATTEMPTS: '100' };
