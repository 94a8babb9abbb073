// The RabbitMQ consumer, the publisher, the outbox poller of live changes and the dead-letter queue's operations.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { ChangePublisher } from './change-publisher.service.js';
export { DEAD_LETTER_KEY, type DeadLetter, type DeadLetterSelector } from './dead-letter.js';
export { DeadLettersErrorCode, DeadLettersException } from './dead-letters.exception.js';
export { DeadLetters, type DeadLetterPage, type PurgeResult, type RequeueResult } from './dead-letters.service.js';
export { LiveUpdatesErrorCode } from './live-updates.exception.js';
export { LiveUpdatesHealth } from './live-updates-health.service.js';
export { connectLiveUpdatesConsumer } from './live-updates.microservice.js';
export { LiveUpdatesModule } from './live-updates.module.js';
