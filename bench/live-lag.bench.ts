import { eventsIndex } from '../test/support/demo-definitions.js';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connect as amqpConnect } from 'amqplib';
import {
  deleteIndices,
  deleteRabbitTopology,
  ensureSeeded,
  forgetJobs,
  latestJob,
  log,
  machine,
  openPool,
  openSearch,
  percentile,
  RABBITMQ_URL,
  requestFullJob,
  round,
  serviceEnv,
  sleep,
  uptime,
  waitForCompletedJob,
} from './support/bench-environment.js';
import { ServiceChild } from './support/service-child.js';

// `npm run bench:live-lag`: publish → searchable latency of live updates through the service.
// A probe renames one published event to a unique title in MySQL, publishes
// {"entity":"event","id":…,"op":"upsert"} to the exchange, and is searchable once a search through
// the alias for that exact title (title.keyword) finds it. One search every --poll-ms asks for every
// pending title at once, so the figure includes up to one poll interval and one search; the live
// index refreshes every second (OpenSearch's default, restored by VERIFY), which is most of the lag.
// Measured idle, then while a FULL rebuild of the same alias runs (probes sent during BACKFILL).
const USAGE =
  'usage: npm run bench:live-lag -- [--events N (1000000)] [--seed S (1)] [--idle-probes 200] [--probes-per-second 5] [--poll-ms 20]';
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    'idle-probes': { type: 'string', default: '200' },
    'probes-per-second': { type: 'string', default: '5' },
    'poll-ms': { type: 'string', default: '20' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const events = Number(values.events);
const seed = Number(values.seed);
const idleProbes = Number(values['idle-probes']);
const perSecond = Number(values['probes-per-second']);
const pollMs = Number(values['poll-ms']);
if (!Number.isSafeInteger(events) || events < 1 || !Number.isSafeInteger(seed) || !(idleProbes >= 1) || !(perSecond > 0) || !(pollMs >= 1)) {
  console.error(USAGE);
  process.exit(1);
}

const DATABASE = 'reindexer_bench';
const PREFIX = 'benchlag_';
const NAME = 'bench-live-lag';
const ALIAS = `${PREFIX}${eventsIndex.name}`;
const EXCHANGE = `reindexer.changes.${NAME}`;
const PROBE_TIMEOUT_MS = 30_000;
const RUN = randomBytes(3).toString('hex');

interface Probe {
  readonly id: number;
  readonly publishedAt: number;
  readonly window: 'idle' | 'backfill' | 'other';
}

/** Pending probes by title; one search per poll asks for all of them. */
class LagProbes {
  readonly pending = new Map<string, Probe>();
  readonly lags: Record<Probe['window'], number[]> = { idle: [], backfill: [], other: [] };
  readonly lost: Record<Probe['window'], number> = { idle: 0, backfill: 0, other: 0 };
  private running = true;
  private readonly loop: Promise<void>;

  constructor() {
    this.loop = this.poll();
  }

  add(title: string, probe: Probe): void {
    this.pending.set(title, probe);
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await sleep(50);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      const started = performance.now();
      if (this.pending.size > 0) {
        const titles = [...this.pending.keys()];
        try {
          const result = await openSearch<{ hits: { hits: { _source: { title: string } }[] } }>('POST', `/${ALIAS}/_search`, {
            size: titles.length,
            _source: ['title'],
            query: { terms: { 'title.keyword': titles } },
          });
          const seenAt = performance.now();
          for (const hit of result.hits.hits) {
            const probe = this.pending.get(hit._source.title);
            if (!probe) continue;
            this.pending.delete(hit._source.title);
            this.lags[probe.window].push(seenAt - probe.publishedAt);
          }
        } catch (error) {
          log(`probe search failed (counted by the probes' timeout): ${(error as Error).message.slice(0, 200)}`);
        }
        for (const [title, probe] of this.pending) {
          if (performance.now() - probe.publishedAt > PROBE_TIMEOUT_MS) {
            this.pending.delete(title);
            this.lost[probe.window]++;
          }
        }
      }
      await sleep(Math.max(0, pollMs - (performance.now() - started)));
    }
  }
}

function summary(lags: readonly number[], lost: number) {
  const sorted = [...lags].sort((a, b) => a - b);
  return { probes: sorted.length + lost, lost, p50Ms: round(percentile(sorted, 0.5)), p99Ms: round(percentile(sorted, 0.99)), maxMs: round(sorted.at(-1) ?? 0) };
}

const started = machine();
log(`machine: ${started.nproc} cpus, ${started.ramGb} GB; ${started.uptime}`);
log(await ensureSeeded(DATABASE, events, seed));
const db = openPool(serviceEnv(DATABASE, PREFIX, NAME).DATABASE_URL);
let service: ServiceChild | undefined;
let probes: LagProbes | undefined;
const renamed = new Map<number, string>();
const onSignal = () => void Promise.all([probes?.stop(), service?.stop()]).finally(() => process.exit(130));
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
const connection = await amqpConnect(RABBITMQ_URL);
try {
  await deleteIndices(PREFIX);
  await forgetJobs(db, PREFIX);
  service = await ServiceChild.start(serviceEnv(DATABASE, PREFIX, NAME));
  log(`building v1 of ${ALIAS} (not measured)`);
  const first = await waitForCompletedJob(db, ALIAS);
  await waitForCompletedJob(db, `${PREFIX}venues`);
  const channel = await connection.createConfirmChannel();
  await channel.checkExchange(EXCHANGE);

  // Published events the probes rename, spread over the whole table (and so on both sides of a backfill's cursor).
  const candidates = await db.query<{ id: number; title: string }[]>(
    `SELECT e.id, e.title FROM events e JOIN venues v ON v.id = e.venue_id
     WHERE e.status = 'published' AND e.deleted_at IS NULL AND v.deleted_at IS NULL ORDER BY RAND() LIMIT 5000`,
  );
  let next = 0;
  probes = new LagProbes();
  const probe = async (window: Probe['window']) => {
    const row = candidates[next++ % candidates.length];
    if (!renamed.has(row.id)) renamed.set(row.id, row.title);
    const title = `lag probe ${RUN} ${next}`;
    await db.query('UPDATE events SET title = ?, version = version + 1 WHERE id = ?', [title, row.id]);
    // From here: what the application does right after its commit.
    probes!.add(title, { id: row.id, publishedAt: performance.now(), window });
    channel.publish(EXCHANGE, 'event.upsert', Buffer.from(JSON.stringify({ entity: 'event', id: String(row.id), op: 'upsert' })), {
      persistent: true,
      contentType: 'application/json',
    });
  };

  log(`idle: ${idleProbes} probes at ${perSecond}/s`);
  const loadIdle = uptime();
  for (let i = 0; i < idleProbes; i++) {
    await probe('idle');
    await sleep(1000 / perSecond);
  }
  await probes.drain();

  log('during a FULL rebuild: probes while the job is in BACKFILL');
  const loadBeforeJob = uptime();
  const jobId = await requestFullJob(service.url, ALIAS);
  let phase: string | null = null;
  for (;;) {
    const job = await latestJob(db, ALIAS);
    if (!job || job.id !== jobId) throw new Error(`job ${jobId} disappeared`);
    phase = job.status === 'RUNNING' ? job.phase : job.status;
    if (['COMPLETED', 'FAILED', 'CANCELLED', 'PAUSED'].includes(job.status)) break;
    await probe(phase === 'BACKFILL' ? 'backfill' : 'other');
    await sleep(1000 / perSecond);
  }
  const job = await waitForCompletedJob(db, ALIAS, first.id);
  await probes.drain();
  await probes.stop();
  await channel.waitForConfirms();

  const result = {
    events,
    idle: summary(probes.lags.idle, probes.lost.idle),
    duringBackfill: summary(probes.lags.backfill, probes.lost.backfill),
    restOfJob: summary(probes.lags.other, probes.lost.other),
    jobSeconds: round((job.finishedAt!.getTime() - job.createdAt.getTime()) / 1000, 1),
    pollMs,
    probesPerSecond: perSecond,
    loadBeforeIdle: loadIdle,
    loadBeforeJob,
    loadAtEnd: uptime(),
  };
  console.log(JSON.stringify(result));
} finally {
  await probes?.stop();
  await service?.stop();
  // The probes' titles go back; versions stay raised (they only ever grow).
  for (const [id, title] of renamed) await db.query('UPDATE events SET title = ? WHERE id = ?', [title, id]).catch(() => undefined);
  await connection.close().catch(() => undefined);
  await deleteIndices(PREFIX).catch(() => undefined);
  await forgetJobs(db, PREFIX).catch(() => undefined);
  await deleteRabbitTopology(EXCHANGE, `reindexer.live-updates.${NAME}`).catch(() => undefined);
  await db.end();
}
