import { Injectable } from '@nestjs/common';
import { withTimeout } from '../../common/index.js';
import { AppConfig } from '../../config/index.js';
import { OutboxStore } from '../../job-store/index.js';
import { ChangePublisher, LiveUpdatesHealth } from '../../live-updates/index.js';
import { Metrics } from '../../metrics/index.js';
import { QUEUE_CHECK_TIMEOUT_MS } from './metrics.service.js';

/** A figure read now, or (value null) why it could not be read this time. */
type Read<T> = { readonly value: T; readonly error: null } | { readonly value: null; readonly error: string };

/**
 * How live updates are doing, as JSON for the admin page: the consumer's connection, the queue
 * depths and the outbox backlog (read now, the same on every replica), and what this replica's
 * changes did since it started (the counters and lag histogram /metrics exports).
 */
@Injectable()
export class LiveUpdatesStatus {
  private readonly startedAt = new Date();

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly publisher: ChangePublisher,
    private readonly outbox: OutboxStore,
    private readonly health: LiveUpdatesHealth,
  ) {}

  async read() {
    const [queues, outboxBacklog, figures] = await Promise.all([
      settle(withTimeout(this.publisher.queueDepths(), QUEUE_CHECK_TIMEOUT_MS)),
      this.config.outbox.enabled ? settle(this.outbox.backlog()) : null,
      this.metrics.liveChangeFigures(),
    ]);
    return {
      instance: this.config.instanceId,
      since: this.startedAt,
      consumer: this.health.state,
      queues,
      /** Null when OUTBOX_ENABLED is off. */
      outbox: outboxBacklog,
      ...figures,
    };
  }
}

async function settle<T>(promise: Promise<T>): Promise<Read<T>> {
  try {
    return { value: await promise, error: null };
  } catch (error) {
    return { value: null, error: (error as Error).message };
  }
}
