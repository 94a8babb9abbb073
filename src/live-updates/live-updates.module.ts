import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { OpenSearchModule } from '../opensearch/opensearch.module.js';
import { AliasRouting } from '../indexing/alias-routing.service.js';
import { DefinitionDeployments } from '../indexing/definition-deployments.service.js';
import { ChangeJournal } from '../indexing/change-journal.service.js';
import { DocumentSync } from '../indexing/document-sync.service.js';
import { MigrationMirror } from '../indexing/migration-mirror.service.js';
import { ChangeConsumer } from './change-consumer.service.js';
import { ChangeHandler } from './change-handler.js';
import { LiveChangeHandler } from './live-change.handler.js';
import { ChangePublisher } from './change-publisher.service.js';
import { LiveUpdatesHealth } from './live-updates-health.service.js';
import { LiveUpdatesTopology } from './live-updates-topology.js';
import { LiveUpdatesController } from './live-updates.controller.js';
import { OutboxPoller } from './outbox-poller.service.js';
import { RetryPolicy } from './retry-policy.js';

/**
 * The RabbitMQ consumer of live updates (connected by `connectLiveUpdatesConsumer`), the
 * publisher and the outbox poller (OUTBOX_ENABLED); LiveChangeHandler applies each change.
 */
@Module({
  controllers: [LiveUpdatesController],
  imports: [OpenSearchModule, MetricsModule],
  providers: [LiveUpdatesTopology, RetryPolicy, ChangeConsumer, ChangePublisher, LiveUpdatesHealth, OutboxPoller, MigrationMirror, ChangeJournal, DocumentSync, AliasRouting, DefinitionDeployments, { provide: ChangeHandler, useClass: LiveChangeHandler }],
  exports: [ChangePublisher, LiveUpdatesHealth],
})
export class LiveUpdatesModule {}
