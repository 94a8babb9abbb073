import { Global, Module, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import type { AppConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { OutboxStore } from '../../src/job-store/outbox-store.js';
import { ChangeHandler } from '../../src/live-updates/change-handler.js';
import type { EntityChange } from '../../src/live-updates/entity-change.js';
import { connectLiveUpdatesConsumer } from '../../src/live-updates/live-updates.microservice.js';
import { LiveUpdatesModule } from '../../src/live-updates/live-updates.module.js';
import { RetryPolicy } from '../../src/live-updates/retry-policy.js';
import { AliasRouting } from '../../src/indexing/alias-routing.service.js';
import { ChangeJournal } from '../../src/indexing/change-journal.service.js';
import { DefinitionDeployments } from '../../src/indexing/definition-deployments.service.js';
import { DocumentSync } from '../../src/indexing/document-sync.service.js';
import { DocumentWriter } from '../../src/indexing/document-writer.service.js';
import { MigrationMirror } from '../../src/indexing/migration-mirror.service.js';

/** Records every call; `script` decides, per change and attempt, whether the call fails. */
export class ScriptedChangeHandler extends ChangeHandler {
  readonly calls: { readonly change: EntityChange; readonly at: number }[] = [];
  readonly handled: EntityChange[] = [];

  constructor(private readonly script: (change: EntityChange, attempt: number) => Promise<void> = () => Promise.resolve()) {
    super();
  }

  async handle(change: EntityChange): Promise<void> {
    const attempt = this.callsFor(change.id).length + 1;
    this.calls.push({ change, at: Date.now() });
    await this.script(change, attempt);
    this.handled.push(change);
  }

  callsFor(id: string): { readonly change: EntityChange; readonly at: number }[] {
    return this.calls.filter((call) => call.change.id === id);
  }
}

/** Stands in for the job store's outbox, which these apps never poll (OUTBOX_ENABLED is off). */
@Global()
@Module({ providers: [{ provide: OutboxStore, useValue: { drain: () => Promise.reject(new Error('no outbox in this test app')) } }], exports: [OutboxStore] })
class NoOutboxModule {}

export interface LiveUpdatesAppOptions {
  readonly handler: ChangeHandler;
  readonly retryPolicy?: RetryPolicy;
  readonly imports?: ModuleMetadata['imports'];
}

/** The consumer wired as create-app wires it, on a testing module; closed again if start-up fails. */
export async function startLiveUpdatesApp(config: AppConfig, options: LiveUpdatesAppOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), NoOutboxModule, LiveUpdatesModule, ...(options.imports ?? [])],
  })
    .overrideProvider(ChangeHandler)
    .useValue(options.handler)
    .overrideProvider(RetryPolicy)
    .useValue(options.retryPolicy ?? new RetryPolicy())
    // Only the real ChangeHandler routes and mirrors writes across clusters; these apps have no job store for it.
    .overrideProvider(MigrationMirror)
    .useValue({})
    .overrideProvider(AliasRouting)
    .useValue({})
    .overrideProvider(DefinitionDeployments)
    .useValue({})
    .overrideProvider(ChangeJournal)
    .useValue({})
    .overrideProvider(DocumentSync)
    .useValue({})
    .overrideProvider(DocumentWriter)
    .useValue({})
    .compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  try {
    connectLiveUpdatesConsumer(app, config);
    await app.startAllMicroservices();
    await app.init();
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** A plain amqplib client to publish raw bytes and look into the queues. */
export class BrokerProbe {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async open(url: string): Promise<BrokerProbe> {
    const connection = await connect(url);
    // A broker restart closes the connection with an error event; the test opens a new probe.
    connection.on('error', () => undefined);
    return new BrokerProbe(connection, await connection.createConfirmChannel());
  }

  async publish(exchange: string, routingKey: string, body: string): Promise<void> {
    this.channel.publish(exchange, routingKey, Buffer.from(body), { persistent: true, contentType: 'application/json' });
    await this.channel.waitForConfirms();
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Takes (and acks) every ready message of the queue. */
  async drain(queue: string): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    for (let message = await this.channel.get(queue, { noAck: true }); message; message = await this.channel.get(queue, { noAck: true })) messages.push(message);
    return messages;
  }

  async purge(...queues: string[]): Promise<void> {
    for (const queue of queues) await this.channel.purgeQueue(queue);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
