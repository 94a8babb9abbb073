import { ServerRMQ, type RmqOptions } from '@nestjs/microservices';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel } from 'amqplib';
import type { LiveUpdatesTopology } from './live-updates-topology.js';

/**
 * Nest's RMQ transport, which declares only one queue and one exchange, plus the rest of
 * the live-update topology (dead-letter and retry queues), asserted on every (re)connected
 * channel before consuming starts.
 */
export class LiveUpdatesServer extends ServerRMQ {
  constructor(
    private readonly topology: LiveUpdatesTopology,
    private readonly url: string,
    options: Required<RmqOptions>['options'],
  ) {
    super({ ...options, urls: [url] });
  }

  /**
   * amqp-connection-manager emits a failed channel set-up (a channel closed under it while the
   * app stops, or a broker going away) as an 'error' event, and Nest's transport listens for none:
   * unheard, it became an unhandled rejection. Heard here; the set-up runs again on reconnect.
   */
  override async createClient<T>(): Promise<T> {
    const client = await super.createClient<AmqpConnectionManager>();
    // Nest creates its channel in its own 'connect' listener, registered after this one returns.
    client.on('connect', () =>
      queueMicrotask(() => {
        const channel = this.channel as ChannelWrapper | null;
        if (channel && channel.listenerCount('error') === 0) {
          channel.on('error', (error: Error) => {
            this.logger.warn(`channel set-up failed, retried on reconnect: ${error.message}`);
          });
        }
      }),
    );
    return client as T;
  }

  override async setupChannel(channel: Channel, callback: () => void): Promise<void> {
    await this.topology.assert(channel);
    await super.setupChannel(channel, callback);
  }

  /** A broker that cannot be reached at start-up stops start-up with a message naming RABBITMQ_URL. */
  override listen(callback: (error?: unknown, ...optionalParams: unknown[]) => void): Promise<void> {
    return super.listen((error, ...optionalParams) => {
      if (error === undefined || error === null) return callback(undefined, ...optionalParams);
      const reason = error instanceof Error ? error.message : JSON.stringify(error);
      callback(new Error(`RABBITMQ_URL: cannot connect to ${redactAmqpUrl(this.url)} (${reason})`));
    });
  }
}

function redactAmqpUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
