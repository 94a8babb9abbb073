import { Injectable, Logger } from '@nestjs/common';
import { Metrics } from '../metrics/index.js';
import type { ChangeDelivery } from './change-delivery.js';
import { ChangeHandler } from './change-handler.js';
import type { IncomingChange } from './change-message.deserializer.js';
import { toEntityChange } from './change-message.dto.js';
import { LiveUpdatesErrorCode, LiveUpdatesException } from './live-updates.exception.js';
import { deadLetterReason, RetryPolicy } from './retry-policy.js';

/**
 * validate → handle → ack. A failure below the attempt limit goes to the retry queue;
 * a message that can never succeed goes to the dead-letter queue. Either way the
 * original is acked only after its copy is confirmed, and nothing is ever thrown back
 * to the transport, so one bad message cannot stop the consumer.
 */
@Injectable()
export class ChangeConsumer {
  private readonly logger = new Logger(ChangeConsumer.name);

  constructor(
    private readonly handler: ChangeHandler,
    private readonly retryPolicy: RetryPolicy,
    private readonly metrics: Metrics,
  ) {}

  async consume(incoming: IncomingChange, delivery: ChangeDelivery): Promise<void> {
    try {
      await this.process(incoming, delivery);
    } catch (error) {
      this.logger.warn(`could not settle a message, handing it back for redelivery: ${describe(error)}`);
      this.metrics.liveChangeSettled('rabbitmq', 'requeued');
      try {
        delivery.requeue();
      } catch {
        // The channel is gone; the broker redelivers every unacked message of a closed channel.
      }
    }
  }

  private async process(incoming: IncomingChange, delivery: ChangeDelivery): Promise<void> {
    try {
      if (incoming.kind === 'not-json') throw new LiveUpdatesException(LiveUpdatesErrorCode.NOT_JSON, 'the body is not a JSON object');
      await this.handler.handle(toEntityChange(incoming.body));
    } catch (error) {
      await this.settleFailure(error, delivery);
      return;
    }
    delivery.ack();
    this.metrics.liveChangeWritten('rabbitmq', delivery.publishedAt === null ? null : (Date.now() - delivery.publishedAt) / 1000);
  }

  private async settleFailure(error: unknown, delivery: ChangeDelivery): Promise<void> {
    const permanent = deadLetterReason(this.retryPolicy, error, delivery.attempt);
    if (permanent) {
      await delivery.sendToDeadLetter(permanent);
      this.metrics.liveChangeSettled('rabbitmq', 'dead_lettered');
      this.logger.warn(`dead-lettered a message (${permanent.code}, attempt ${delivery.attempt}): ${permanent.message}`);
    } else {
      await delivery.sendToRetry(this.retryPolicy.delayMs);
      this.metrics.liveChangeSettled('rabbitmq', 'retried');
      this.logger.warn(`attempt ${delivery.attempt} of ${this.retryPolicy.maxAttempts} failed, retrying in ${this.retryPolicy.delayMs} ms: ${describe(error)}`);
    }
    delivery.ack();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
