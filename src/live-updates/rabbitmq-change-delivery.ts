import type { RmqContext } from '@nestjs/microservices';
import type { ConfirmChannel, ConsumeMessage, MessageProperties, MessagePropertyHeaders, Options } from 'amqplib';
import type { ChangeDelivery } from './change-delivery.js';
import type { LiveUpdatesTopology } from './live-updates-topology.js';
import type { LiveUpdatesException } from './live-updates.exception.js';

export const ATTEMPTS_HEADER = 'x-attempts';
/** Why a copy is in the dead-letter queue: a LiveUpdatesErrorCode. */
export const REASON_HEADER = 'x-reason';
export const ERROR_HEADER = 'x-error';
/** Publication time in milliseconds, as RabbitMQ's message_timestamp plugin also sets it. */
export const TIMESTAMP_MS_HEADER = 'timestamp_in_ms';
/** When the copy went to the dead-letter queue, in ms since the epoch. */
export const DEAD_LETTERED_AT_HEADER = 'x-dead-lettered-at';

/**
 * When a message was published, in ms since the epoch: the `timestamp_in_ms` header, else the
 * `timestamp` property, which AMQP defines in seconds (a value too large for seconds was
 * written in milliseconds by its publisher); null when neither is set.
 */
export function publishedAtOf(properties: { readonly timestamp?: unknown; readonly headers?: MessagePropertyHeaders }): number | null {
  const milliseconds = Number(properties.headers?.[TIMESTAMP_MS_HEADER]);
  if (Number.isFinite(milliseconds) && milliseconds > 0) return milliseconds;
  const timestamp = Number(properties.timestamp);
  if (!Number.isFinite(timestamp) || timestamp <= 0) return null;
  return timestamp > 1e11 ? timestamp : timestamp * 1000;
}

/**
 * Settles a message on the channel it arrived on (a confirm channel: amqp-connection-manager's
 * default). Copies go out with the original body and are confirmed before the original is
 * acked, so a crash in between duplicates a change but never loses one.
 */
export class RabbitMqChangeDelivery implements ChangeDelivery {
  readonly attempt: number;
  readonly publishedAt: number | null;
  private readonly message: ConsumeMessage;
  private readonly channel: ConfirmChannel;

  constructor(
    context: RmqContext,
    private readonly topology: LiveUpdatesTopology,
  ) {
    this.message = context.getMessage() as ConsumeMessage;
    this.channel = context.getChannelRef() as ConfirmChannel;
    const previous = Number(this.message.properties.headers?.[ATTEMPTS_HEADER] ?? 0);
    this.attempt = Number.isSafeInteger(previous) && previous > 0 ? previous + 1 : 1;
    this.publishedAt = publishedAtOf(this.message.properties);
  }

  ack(): void {
    this.channel.ack(this.message);
  }

  requeue(): void {
    this.channel.nack(this.message, false, true);
  }

  sendToRetry(delayMs: number): Promise<void> {
    return this.publishCopy(this.topology.retryQueue, { [ATTEMPTS_HEADER]: this.attempt }, { expiration: String(delayMs) });
  }

  sendToDeadLetter(error: LiveUpdatesException): Promise<void> {
    return this.publishCopy(this.topology.deadLetterQueue, {
      [ATTEMPTS_HEADER]: this.attempt,
      [REASON_HEADER]: error.code,
      [ERROR_HEADER]: error.message.slice(0, 1000),
      [DEAD_LETTERED_AT_HEADER]: Date.now(),
    });
  }

  private publishCopy(queue: string, headers: MessagePropertyHeaders, extra: Options.Publish = {}): Promise<void> {
    const options = copyOptions(this.message.properties, headers, [], extra);
    return new Promise((resolve, reject) => {
      this.channel.sendToQueue(queue, this.message.content, options, (error: Error | null) => (error ? reject(error) : resolve()));
    });
  }
}

/**
 * How a copy of a message is published: persistent, with the original's ids, type and
 * timestamp, its headers less `drop` plus `set`. x-death belongs to the broker's own
 * dead-lettering: a copy always starts without it.
 */
export function copyOptions(properties: MessageProperties, set: MessagePropertyHeaders, drop: readonly string[] = [], extra: Options.Publish = {}): Options.Publish {
  const dropped = new Set(['x-death', ...drop]);
  const kept = Object.fromEntries(Object.entries(properties.headers ?? {}).filter(([name]) => !dropped.has(name)));
  return {
    persistent: true,
    contentType: properties.contentType as string | undefined,
    contentEncoding: properties.contentEncoding as string | undefined,
    messageId: properties.messageId as string | undefined,
    correlationId: properties.correlationId as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    type: properties.type as string | undefined,
    appId: properties.appId as string | undefined,
    headers: { ...kept, ...set },
    ...extra,
  };
}
