import type { GetMessage } from 'amqplib';
import type { Pool } from 'mariadb';
import { SeededRandom } from '../../scripts/seed/random.js';
import type { EntityChange } from '../../src/live-updates/entity-change.js';
import { ChangeStream, type ChangeStreamReport } from '../live-updates/change-stream.js';
import { BrokerProbe } from '../live-updates/live-updates-test-app.js';
import type { SourceFactory } from '../support/factories.js';
import { RunSlotSampler, type RunSlotSample } from '../support/run-slot-sampler.js';
import type { SearchProbe } from './reads-following-search.js';

const BROKER_TIMEOUT_MS = 5000;
/** Share of changes announced through the outbox table rather than RabbitMQ. */
const OUTBOX_SHARE = 0.3;

/** A BrokerProbe that reconnects after a broker restart and never waits longer than a few seconds. */
export class BrokerLink {
  private probe: Promise<BrokerProbe> | null = null;

  constructor(private readonly url: string) {}

  publish(exchange: string, routingKey: string, body: string, timeoutMs = BROKER_TIMEOUT_MS): Promise<void> {
    return this.use((probe) => probe.publish(exchange, routingKey, body), timeoutMs);
  }

  messageCount(queue: string): Promise<number> {
    return this.use((probe) => probe.messageCount(queue));
  }

  drain(queue: string): Promise<GetMessage[]> {
    return this.use((probe) => probe.drain(queue), 60_000);
  }

  async close(): Promise<void> {
    const probe = this.probe;
    this.probe = null;
    await probe?.then((open) => open.close()).catch(() => undefined);
  }

  private async use<T>(work: (probe: BrokerProbe) => Promise<T>, timeoutMs = BROKER_TIMEOUT_MS): Promise<T> {
    this.probe ??= BrokerProbe.open(this.url);
    const probe = this.probe;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        probe.then(work),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`RabbitMQ did not answer within ${timeoutMs} ms`)), timeoutMs))),
      ]);
    } catch (error) {
      // A failed or hung connection is dropped; the next call opens a new one.
      if (this.probe === probe) this.probe = null;
      void probe.then((open) => open.close()).catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Announces each change the way the README asks an application to: a persistent message
 * on the exchange, or a row in `reindexer_outbox`. A change whose message cannot be
 * confirmed (broker down) goes to the outbox instead, so no change is ever unannounced.
 */
export class ChangeSink {
  viaBroker = 0;
  viaOutbox = 0;
  brokerFallbacks = 0;

  constructor(
    private readonly broker: BrokerLink,
    private readonly exchange: string,
    private readonly db: Pool,
    private readonly random: SeededRandom,
  ) {}

  async publish(change: EntityChange): Promise<void> {
    if (!this.random.chance(OUTBOX_SHARE)) {
      try {
        await this.broker.publish(this.exchange, `${change.entity}.${change.op}`, JSON.stringify(change));
        this.viaBroker++;
        return;
      } catch {
        this.brokerFallbacks++;
      }
    }
    await this.db.query('INSERT INTO reindexer_outbox (entity, entity_id, op) VALUES (?, ?, ?)', [change.entity, change.id, change.op]);
    this.viaOutbox++;
  }
}

/**
 * The changes ChangeStream does not make: moving an event to another venue (events.version
 * grows by the old venue's version too, as the README asks) and restoring a soft-deleted venue
 * (without it, ChangeStream's venue deletes would empty the few venues of a small data set
 * within minutes). Each is announced through the sink.
 */
class VenueChanges {
  readonly byKind = { 'venue-move': 0, 'venue-restore': 0 };
  private running = true;
  private readonly done: Promise<void>;

  constructor(factory: SourceFactory, sink: ChangeSink, source: { readonly eventIds: readonly number[]; readonly venueIds: readonly number[] }, seed: number, intervalMs: number) {
    const random = new SeededRandom(seed);
    this.done = (async () => {
      while (this.running) {
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
        if (random.chance(0.2)) {
          const [deleted] = await factory.pool.query<{ id: number }[]>('SELECT id FROM venues WHERE deleted_at IS NOT NULL AND id IN (?) ORDER BY id LIMIT 1', [source.venueIds]);
          if (!deleted) continue;
          await factory.updateVenue(deleted.id, { deletedAt: null });
          await sink.publish({ entity: 'venue', id: String(deleted.id), op: 'upsert' });
          this.byKind['venue-restore']++;
          continue;
        }
        const id = random.pick(source.eventIds);
        try {
          await factory.updateEvent(id, { venueId: random.pick(source.venueIds) });
        } catch (error) {
          // The change stream hard-deleted it meanwhile; its delete was announced.
          if (/no events row/.test((error as Error).message)) continue;
          throw error;
        }
        await sink.publish({ entity: 'event', id: String(id), op: 'upsert' });
        this.byKind['venue-move']++;
      }
    })();
  }

  async stop(): Promise<Record<string, number>> {
    this.running = false;
    await this.done;
    return this.byKind;
  }
}

export interface TrafficReport {
  readonly changes: number;
  readonly byKind: Record<string, number>;
  readonly viaBroker: number;
  readonly viaOutbox: number;
  readonly brokerFallbacks: number;
  readonly searches: number;
  readonly failedSearches: string[];
  readonly samples: RunSlotSample[];
  readonly problems: string[];
}

/**
 * What runs beside the service for a whole trial: the change stream (ChangeStream plus venue
 * moves, announced through the sink), a search probe through each alias, and the run-slot
 * sampler. Each runs in segments: a fault that stops MariaDB pauses the stream and the sampler,
 * one that stops OpenSearch pauses the probes (their failures then would be the harness's).
 */
export class LiveTraffic {
  private stream: { changes: ChangeStream; venues: VenueChanges } | null = null;
  private probes: SearchProbe[] = [];
  private sampler: RunSlotSampler | null = null;
  private segment = 0;
  private readonly reports: ChangeStreamReport[] = [];
  private readonly venueChanges: Record<string, number> = {};
  private searches = 0;
  private readonly failedSearches: string[] = [];
  private readonly samples: RunSlotSample[] = [];
  private readonly problems: string[] = [];
  /** Rows the stream must leave alone (a fault owns them). */
  readonly excludedVenues = new Set<number>();
  readonly excludedEvents = new Set<number>();

  constructor(
    private readonly options: {
      readonly factory: SourceFactory;
      readonly sink: ChangeSink;
      readonly databaseUrl: string;
      /** The search probes of one segment: an application's searches through each alias. */
      readonly probes: () => SearchProbe[];
      readonly seed: number;
      readonly changesPerSecond: number;
    },
  ) {}

  async startSampler(): Promise<void> {
    this.sampler ??= await RunSlotSampler.start(this.options.databaseUrl, 100);
  }

  async stopSampler(): Promise<void> {
    const sampler = this.sampler;
    this.sampler = null;
    if (!sampler) return;
    try {
      this.samples.push(...(await sampler.stop()));
    } catch (error) {
      this.samples.push(...sampler.samples);
      this.problems.push(`run-slot sampler: ${(error as Error).message}`);
    }
  }

  startProbes(): void {
    if (this.probes.length > 0) return;
    this.probes = this.options.probes();
  }

  async stopProbes(): Promise<void> {
    const probes = this.probes;
    this.probes = [];
    for (const probe of probes) {
      const { sent, failures } = await probe.stop();
      this.searches += sent;
      this.failedSearches.push(...failures);
    }
  }

  /** Counts failures of a probe the harness ran itself (e.g. a sabotage). */
  addSearches(sent: number, failures: readonly string[]): void {
    this.searches += sent;
    this.failedSearches.push(...failures);
  }

  async startStream(): Promise<void> {
    if (this.stream) return;
    const { factory, sink, seed, changesPerSecond } = this.options;
    const [eventIds, venueIds] = await Promise.all([
      factory.pool.query<{ id: number }[]>('SELECT id FROM events ORDER BY id'),
      factory.pool.query<{ id: number }[]>('SELECT id FROM venues ORDER BY id'),
    ]);
    const source = {
      eventIds: eventIds.map((row) => row.id).filter((id) => !this.excludedEvents.has(id)),
      venueIds: venueIds.map((row) => row.id).filter((id) => !this.excludedVenues.has(id)),
    };
    const segment = ++this.segment;
    const changes = new ChangeStream(factory, (change) => sink.publish(change), source, seed * 100 + segment);
    changes.start(changesPerSecond);
    this.stream = { changes, venues: new VenueChanges(factory, sink, source, seed * 100 + 50 + segment, 1000) };
  }

  async stopStream(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (!stream) return;
    try {
      this.reports.push(await stream.changes.stop());
    } catch (error) {
      this.problems.push(`change stream stopped on an error: ${(error as Error).message}`);
    }
    try {
      for (const [kind, count] of Object.entries(await stream.venues.stop())) this.venueChanges[kind] = (this.venueChanges[kind] ?? 0) + count;
    } catch (error) {
      this.problems.push(`venue changes stopped on an error: ${(error as Error).message}`);
    }
  }

  async stopAll(): Promise<void> {
    await this.stopStream();
    await this.stopProbes();
    await this.stopSampler();
  }

  report(): TrafficReport {
    const byKind: Record<string, number> = { ...this.venueChanges };
    for (const report of this.reports) for (const [kind, count] of Object.entries(report.byKind)) byKind[kind] = (byKind[kind] ?? 0) + count;
    const { viaBroker, viaOutbox, brokerFallbacks } = this.options.sink;
    return {
      changes: Object.values(byKind).reduce((sum, count) => sum + count, 0),
      byKind,
      viaBroker,
      viaOutbox,
      brokerFallbacks,
      searches: this.searches,
      failedSearches: this.failedSearches,
      samples: this.samples,
      problems: this.problems,
    };
  }
}
