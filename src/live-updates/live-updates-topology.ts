import { Injectable } from '@nestjs/common';
import type { Channel } from 'amqplib';
import { AppConfig } from '../config/index.js';

/**
 * Exchange and queues of the live-update contract:
 * exchange (topic) → queue (bound with `#`), whose rejected messages go to `<queue>.dlq`,
 * and `<queue>.retry`, whose expired messages go back to the queue (delayed retries).
 */
@Injectable()
export class LiveUpdatesTopology {
  readonly exchange: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
  readonly retryQueue: string;

  constructor(config: AppConfig) {
    this.exchange = config.rabbitmq.exchange;
    this.queue = config.rabbitmq.queue;
    this.deadLetterQueue = config.rabbitmq.deadLetterQueue;
    this.retryQueue = `${config.rabbitmq.queue}.retry`;
  }

  /**
   * Idempotent. Run on every (re)connected channel by the consumer before it consumes and
   * by the publisher before it publishes, so both always declare identical arguments.
   * The retry delay is a per-message expiration, not a queue TTL: changing it needs no
   * re-declaration (which RabbitMQ would refuse with PRECONDITION_FAILED).
   */
  async assert(channel: Channel): Promise<void> {
    await channel.assertExchange(this.exchange, 'topic', { durable: true });
    await channel.assertQueue(this.deadLetterQueue, { durable: true });
    await channel.assertQueue(this.retryQueue, {
      durable: true,
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': this.queue },
    });
    await channel.assertQueue(this.queue, {
      durable: true,
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': this.deadLetterQueue },
    });
    await channel.bindQueue(this.queue, this.exchange, '#');
  }
}
