import { Module } from '@nestjs/common';
import { IndexingModule } from '../indexing/index.js';
import { MetricsModule } from '../metrics/index.js';
import { OpenSearchModule } from '../opensearch/index.js';
import { ChangeConsumer } from './change-consumer.service.js';
import { ChangeHandler } from './change-handler.js';
import { ChangePublisher } from './change-publisher.service.js';
import { DeadLetters } from './dead-letters.service.js';
import { LiveChangeHandler } from './live-change.handler.js';
import { LiveUpdatesHealth } from './live-updates-health.service.js';
import { LiveUpdatesTopology } from './live-updates-topology.js';
import { LiveUpdatesController } from './live-updates.controller.js';
import { OutboxPoller } from './outbox-poller.service.js';
import { RetryPolicy } from './retry-policy.js';

/**
 * The RabbitMQ consumer of live updates (connected by `connectLiveUpdatesConsumer`), the
 * publisher, the outbox poller (OUTBOX_ENABLED) and the dead-letter queue's operations
 * (DeadLetters); LiveChangeHandler applies each change.
 */
@Module({
  controllers: [LiveUpdatesController],
  imports: [OpenSearchModule, MetricsModule, IndexingModule],
  providers: [LiveUpdatesTopology, RetryPolicy, ChangeConsumer, ChangePublisher, DeadLetters, LiveUpdatesHealth, OutboxPoller, { provide: ChangeHandler, useClass: LiveChangeHandler }],
  exports: [ChangePublisher, DeadLetters, LiveUpdatesHealth],
})
export class LiveUpdatesModule {}
