import { SeededRandom } from '../../scripts/seed/random.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { SourceFactory } from '../support/factories.js';
import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { ServiceFleet } from '../support/service-fleet.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { checkDeadLetters, ended } from './invariants.js';
import { BrokerLink } from './live-traffic.js';
import { malformedMessage, SMALL_MALFORMED_KINDS, type MalformedKind, type MalformedMessage } from './malformed-messages.js';
import { ReplicaSet } from './replica-set.js';
import { unavailableServices } from './service-outages.js';
import { shuffled } from './shuffle.js';

const EVENTS = 300;
/** Megabytes each: a few are enough to show the consumer survives them. */
const HUGE = 6;
const DEEP = 8;

/**
 * `npm run chaos -- --bad-input`: one replica, then `count` malformed messages on its exchange
 * (not JSON, JSON that is no object, unknown entities, wrong types, megabytes, nesting tens of
 * thousands deep), then one good change. Passes when every malformed message, byte for byte,
 * is in the dead-letter queue, the good change reached the index, and the replica never exited.
 */
export async function runBadInput(seed: number, count: number): Promise<Record<string, unknown> & { passed: boolean }> {
  const startedAt = Date.now();
  const random = new SeededRandom(seed);
  const messages = malformedMessages(random, count);
  const down = await unavailableServices({ database: process.env.DATABASE_URL!, rabbitmq: process.env.RABBITMQ_URL!, opensearch: process.env.OPENSEARCH_NODE! });
  if (down.length > 0) return { mode: 'bad-input', seed, passed: false, failed: [`not answering after 2 minutes: ${down.join(', ')}`] };
  const context = await TestContext.create(`chaos_bad_${seed}`);
  const fleet = new ServiceFleet();
  const broker = new BrokerLink(context.rabbitmqUrl);
  const factory = SourceFactory.connect(context.databaseUrl);
  const rows = JobRows.connect(context.databaseUrl);
  const cluster = new ClusterProbe(context.opensearchNode);
  const alias = `${context.indexPrefix}events`;
  const log: string[] = [];
  const replicas = new ReplicaSet(fleet, () => context.env({ LOG_LEVEL: 'log', RABBITMQ_RETRY_DELAY_MS: '500', RABBITMQ_MAX_ATTEMPTS: '3' }), (text) => log.push(text));
  const failed: string[] = [];
  try {
    await seedDemoData(context.databaseUrl, EVENTS, seed);
    const replica = await replicas.start('default');
    await waitFor('the first builds', async () => {
      const jobs = await rows.jobs();
      return jobs.length >= 2 && jobs.every(ended) ? jobs : undefined;
    }, 120_000, 250);

    for (const message of messages) await broker.publish(context.exchange, message.routingKey, message.body, 60_000);
    const [id] = await cluster.firstIds(alias, 1);
    const title = `bad-input canary ${seed}`;
    await factory.updateEvent(id, { title });
    await broker.publish(context.exchange, 'event.upsert', JSON.stringify({ entity: 'event', id: String(id), op: 'upsert' }));

    const dlq = `${context.queue}.dlq`;
    const applied = await waitFor('the good change in the index', async () => ((await cluster.documents(alias, [id]))[0].source?.title === title ? true : undefined), 120_000, 250).catch(() => false);
    const settled = await waitFor('every malformed message dead-lettered', async () => ((await broker.messageCount(dlq)) >= messages.length ? true : undefined), 120_000, 500).catch(() => false);
    const deadLetters = await broker.drain(dlq);
    // Which x-reason the service gave each kind (a kind retried as a transient failure shows as attempts-exhausted).
    const kindOf = new Map(messages.map((message) => [Buffer.from(message.body).toString('base64'), message.kind]));
    const reasons = countBy(deadLetters.map((letter) => `${kindOf.get(letter.content.toString('base64')) ?? 'not sent'}: ${String(letter.properties.headers?.['x-reason'])}`));
    const letters = checkDeadLetters(
      messages.map((message) => message.body),
      deadLetters,
    );
    await replicas.replaceDead();
    const starts = (replica.process.logs().match(/listening on/g) ?? []).length;
    const health = await fetch(`${replica.url}/health`).then((response) => response.status).catch((error: Error) => error.message);

    if (!applied) failed.push('the good change published after the malformed ones never reached the index');
    if (!settled || !letters.ok) failed.push(`dead letters: ${letters.detail}`);
    if (replicas.problems.length > 0 || starts !== 1) failed.push(`the replica restarted or died: ${replicas.problems.join('; ') || `${starts} starts`}`);
    if (health !== 200) failed.push(`GET /health answered ${health} after the malformed messages`);
    return {
      mode: 'bad-input',
      seed,
      passed: failed.length === 0,
      sent: messages.length,
      byKind: countBy(messages.map((message) => message.kind)),
      deadLettered: deadLetters.length,
      reasons,
      goodChangeApplied: applied,
      replicaStarts: starts,
      health,
      failed,
      seconds: Math.round((Date.now() - startedAt) / 1000),
      ...(failed.length > 0 ? { log, lastOutput: replica.process.logs().slice(-3000) } : {}),
    };
  } finally {
    await fleet.killAll();
    await broker.close();
    await rows.close();
    await factory.close();
    await context.dispose();
  }
}

/** `count` messages: a few huge and deeply nested ones among the small kinds, in a seeded order. */
function malformedMessages(random: SeededRandom, count: number): MalformedMessage[] {
  const kinds: MalformedKind[] = [...Array<MalformedKind>(HUGE).fill('huge'), ...Array<MalformedKind>(DEEP).fill('deeply-nested')];
  while (kinds.length < count) kinds.push(SMALL_MALFORMED_KINDS[kinds.length % SMALL_MALFORMED_KINDS.length]);
  const seen: Partial<Record<MalformedKind, number>> = {};
  return shuffled(kinds, random).map((kind) => {
    seen[kind] = (seen[kind] ?? 0) + 1;
    return malformedMessage(kind, seen[kind] - 1, random);
  });
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
