import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { AppConfig } from '../config/index.js';
import type { EntityChange } from './entity-change.js';
import { LiveUpdatesTopology } from './live-updates-topology.js';
import type { LiveUpdatesException } from './live-updates.exception.js';
import { ATTEMPTS_HEADER, DEAD_LETTERED_AT_HEADER, ERROR_HEADER, REASON_HEADER, TIMESTAMP_MS_HEADER } from './rabbitmq-change-delivery.js';
import { rabbitMqConnectionOptions } from './rabbitmq-connection.js';

const PUBLISH_TIMEOUT_MS = 30_000;

/**
 * Publishes changes to the exchange on its own connection (publishing under flow control
 * must not stall consuming). Connects on first use and keeps reconnecting.
 */
@Injectable()
export class ChangePublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(ChangePublisher.name);
  private connection?: AmqpConnectionManager;
  private channel?: ChannelWrapper;

  constructor(
    private readonly config: AppConfig,
    private readonly topology: LiveUpdatesTopology,
  ) {}

  /**
   * Resolves once the broker has confirmed the persistent message; rejects after 30 s
   * without a broker. Routing key `<entity>.<op>`, for consumers that want a subset. Stamped
   * with the time (`timestamp` in seconds as AMQP defines it, `timestamp_in_ms` to the
   * millisecond) that the consumer's publish-to-written lag is measured from.
   */
  async publish(change: EntityChange): Promise<void> {
    const body = Buffer.from(JSON.stringify({ entity: change.entity, id: change.id, op: change.op }));
    const now = Date.now();
    await this.openChannel().publish(this.topology.exchange, `${change.entity}.${change.op}`, body, {
      persistent: true,
      contentType: 'application/json',
      timestamp: Math.floor(now / 1000),
      headers: { [TIMESTAMP_MS_HEADER]: now },
      timeout: PUBLISH_TIMEOUT_MS,
    });
  }

  /** Messages ready in the live-update, retry and dead-letter queues, read on the publisher's connection. */
  async queueDepths(): Promise<Record<'live' | 'retry' | 'dead_letter', number>> {
    const channel = this.openChannel();
    // checkQueue refuses ("Not connected.") until the channel is up: the first read after start opens it.
    await channel.waitForConnect();
    const [live, retry, deadLetter] = await Promise.all(
      [this.topology.queue, this.topology.retryQueue, this.topology.deadLetterQueue].map(async (queue) => (await channel.checkQueue(queue)).messageCount),
    );
    return { live, retry, dead_letter: deadLetter };
  }

  /**
   * Puts a change that can never be applied into the dead-letter queue with the same
   * headers as the consumer's dead letters (`x-reason`, `x-error`, `x-attempts`, `x-dead-lettered-at`) plus
   * `extraHeaders`; resolves once the broker confirmed it.
   */
  async publishDeadLetter(body: string, error: LiveUpdatesException, attempts: number, extraHeaders: Record<string, string> = {}): Promise<void> {
    await this.openChannel().sendToQueue(this.topology.deadLetterQueue, Buffer.from(body), {
      persistent: true,
      contentType: 'application/json',
      headers: { ...extraHeaders, [ATTEMPTS_HEADER]: attempts, [REASON_HEADER]: error.code, [ERROR_HEADER]: error.message.slice(0, 1000), [DEAD_LETTERED_AT_HEADER]: Date.now() },
      timeout: PUBLISH_TIMEOUT_MS,
    });
  }

  /** Last: the outbox poller may still publish dead letters while it stops. */
  async onApplicationShutdown(): Promise<void> {
    await this.connection?.close();
  }

  private openChannel(): ChannelWrapper {
    if (!this.channel) {
      this.connection = connect([this.config.rabbitmq.url], rabbitMqConnectionOptions(this.config.rabbitmq));
      this.connection.on('disconnect', ({ err }) => this.logger.warn(`disconnected from RabbitMQ: ${err.message}`));
      this.channel = this.connection.createChannel({ confirm: true, setup: (channel: ConfirmChannel) => this.topology.assert(channel) });
      this.channel.on('error', (error: Error) => this.logger.error(`channel setup failed: ${error.message}`));
    }
    return this.channel;
  }
}
