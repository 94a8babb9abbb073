import type { INestApplication } from '@nestjs/common';
import type { CustomStrategy } from '@nestjs/microservices';
import type { AppConfig } from '../config/index.js';
import { ChangeMessageDeserializer } from './change-message.deserializer.js';
import { LiveUpdatesHealth } from './live-updates-health.service.js';
import { LiveUpdatesTopology } from './live-updates-topology.js';
import { LiveUpdatesServer } from './live-updates.server.js';
import { rabbitMqConnectionOptions } from './rabbitmq-connection.js';

/**
 * The consumer: manual ack, at most RABBITMQ_PREFETCH unacked messages in flight, and
 * amqp-connection-manager's reconnect (re-running the channel setup, hence topology and
 * consume, after every broker restart).
 */
export function rabbitMqMicroserviceOptions(config: AppConfig): CustomStrategy {
  const topology = new LiveUpdatesTopology(config);
  return {
    strategy: new LiveUpdatesServer(topology, config.rabbitmq.url, {
      queue: topology.queue,
      noAck: false,
      prefetchCount: config.rabbitmq.prefetch,
      // LiveUpdatesServer asserts the whole topology itself, the queue included.
      noAssert: true,
      deserializer: new ChangeMessageDeserializer(),
      socketOptions: rabbitMqConnectionOptions(config.rabbitmq),
      // Fail start-up at once (the transport counts only the first failure anyway); once
      // connected, reconnects are endless.
      maxConnectionAttempts: 1,
    }),
  };
}

/** Connects the consumer to a hybrid app (started by startAllMicroservices) and feeds its status to the health check. */
export function connectLiveUpdatesConsumer(app: INestApplication, config: AppConfig): void {
  // REINDEX_MODE=observe: nothing consumed, so nothing written; the health check says why.
  if (config.reindex.mode === 'observe') return app.get(LiveUpdatesHealth).observe();
  const consumer = app.connectMicroservice(rabbitMqMicroserviceOptions(config));
  app.get(LiveUpdatesHealth).watch(consumer.status);
}
