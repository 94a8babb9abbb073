// The RabbitMQ consumer, the publisher and the outbox poller of live changes.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { ChangePublisher } from './change-publisher.service.js';
export { LiveUpdatesHealth } from './live-updates-health.service.js';
export { connectLiveUpdatesConsumer } from './live-updates.microservice.js';
export { LiveUpdatesModule } from './live-updates.module.js';
