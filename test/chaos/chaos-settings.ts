/**
 * How every chaos trial runs the service: small batches, a paced backfill and a phase delay
 * so that each phase lasts long enough to be hit; short leases, retries and recovery ticks so
 * that faults resolve within a trial; live-update retries long enough to outlast any outage
 * the harness causes (a change dead-lettered by an outage would be lost to the index).
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
  rabbitRetryDelayMs: 2000,
  rabbitMaxAttempts: 100,
  outboxPollIntervalMs: 250,
  /** From the rebuild request, the fault and the quiet wait together end within this (set-up comes before it). */
  faultBudgetMs: 170_000,
  /** A job not ended that moved neither phase nor cursor nor documents for this long is stuck. */
  stuckAfterMs: 30_000,
} as const;

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
    RABBITMQ_RETRY_DELAY_MS: String(SETTINGS.rabbitRetryDelayMs),
    RABBITMQ_MAX_ATTEMPTS: String(SETTINGS.rabbitMaxAttempts),
    OUTBOX_ENABLED: 'true',
    OUTBOX_POLL_INTERVAL_MS: String(SETTINGS.outboxPollIntervalMs),
  };
}
