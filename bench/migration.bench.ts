import { eventsIndex } from '../test/support/demo-definitions.js';
import { parseArgs } from 'node:util';
import type { ComparisonReport } from '../src/cluster-migration/cluster-comparison.service.js';
import type { MigrationState } from '../src/job-store/job.js';
import {
  CpuMeter,
  ELASTICSEARCH_NODE,
  OPENSEARCH_NODE,
  deleteIndices,
  deleteRabbitTopology,
  dropDatabase,
  ensureSeeded,
  forgetJobs,
  log,
  machine,
  openPool,
  openSearch,
  phaseSeconds,
  requestFullJob,
  round,
  serviceApi,
  serviceEnv,
  sleep,
  uptime,
  waitForCompletedJob,
  waitForMergesToSettle,
  type JobRow,
} from './support/bench-environment.js';
import { explainOverlap } from './support/overlap-explained.js';
import { ServiceChild } from './support/service-child.js';

// `npm run bench:migration -- --events N`: the move issue 10 is about, Elasticsearch 7.10 (current
// cluster) to OpenSearch (next cluster), in one run on the same rows:
//   (a) a same-cluster FULL rebuild of the events alias on Elasticsearch (v2 built, swapped, v1 deleted),
//   (b) the migration of that alias to OpenSearch: POST migrate until MIRRORING (the build there, alias created),
//   (c) the compare report on both clusters: sampled queries, hit counts, top-10 overlap, latency p50/p95,
//   (d) why the two tops differ where they do, document by document (overlap-explained.ts),
// and prints one JSON line. Both engines, MariaDB and the service share the machine. Its database
// and its indices on both clusters are removed at the end.
const USAGE = 'usage: npm run bench:migration -- [--events N (1000000)] [--seed S (1)] [--sample-size 50] [--repeat 10]';
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    'sample-size': { type: 'string', default: '50' },
    repeat: { type: 'string', default: '10' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const events = Number(values.events);
const seed = Number(values.seed);
const sampleSize = Number(values['sample-size']);
const repeat = Number(values.repeat);
if (!Number.isSafeInteger(events) || events < 1 || !Number.isSafeInteger(seed) || !Number.isInteger(sampleSize) || sampleSize < 1 || !Number.isInteger(repeat) || repeat < 1) {
  console.error(USAGE);
  process.exit(1);
}

const DATABASE = 'reindexer_bench_migration';
const PREFIX = 'benchmig_';
const NAME = 'bench-migration';
const ALIAS = `${PREFIX}${eventsIndex.name}`;

interface MigrationAnswer {
  migration: { state: MigrationState; jobId: number; lastError: string | null; createdAt: string; updatedAt: string } | null;
}

const started = machine();
log(`machine: ${started.nproc} cpus, ${started.ramGb} GB; ${started.uptime}`);
log(await ensureSeeded(DATABASE, events, seed));
const env: Record<string, string> = { ...serviceEnv(DATABASE, PREFIX, NAME), OPENSEARCH_NODE: ELASTICSEARCH_NODE, OPENSEARCH_NEXT_NODE: OPENSEARCH_NODE };
const db = openPool(env.DATABASE_URL);
let service: ServiceChild | undefined;
const onSignal = () => void service?.stop().finally(() => process.exit(130));
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  for (const node of [ELASTICSEARCH_NODE, OPENSEARCH_NODE]) await deleteIndices(PREFIX, node);
  await forgetJobs(db, PREFIX);
  service = await ServiceChild.start(env);
  log(`building v1 of ${ALIAS} on Elasticsearch (not measured)`);
  const first = await waitForCompletedJob(db, ALIAS);
  await waitForCompletedJob(db, `${PREFIX}venues`);
  const cpu = await CpuMeter.forServices({ elasticsearch: ELASTICSEARCH_NODE, opensearch: OPENSEARCH_NODE });
  const cpuSeconds: Record<string, Record<string, number>> = {};

  // (a) the same-cluster rebuild on Elasticsearch
  await settleBoth();
  const loadBeforeRebuild = uptime();
  cpu.start(service.pid);
  const rebuildId = await requestFullJob(service.url, ALIAS);
  const rebuild = await waitForCompletedJob(db, ALIAS, first.id);
  cpuSeconds.rebuild = cpu.stop();
  if (rebuild.id !== rebuildId) throw new Error(`job ${rebuild.id} completed, job ${rebuildId} was requested`);
  const docs = await countOn(ELASTICSEARCH_NODE);
  const rebuildSeconds = secondsOf(rebuild);
  log(`rebuild on Elasticsearch, job ${rebuild.id}: ${docs} documents in ${round(rebuildSeconds, 2)} s (${Math.round(docs / rebuildSeconds)}/s); ${loadBeforeRebuild}`);

  // (b) the migration to OpenSearch, until it mirrors
  await settleBoth();
  const loadBeforeMigration = uptime();
  cpu.start();
  const requested = await serviceApi<MigrationAnswer>(service.url, 'POST', `/indices/${ALIAS}/migrate`);
  if (requested.status !== 202 || !requested.body.migration) throw new Error(`could not migrate ${ALIAS}: HTTP ${requested.status} ${JSON.stringify(requested.body)}`);
  const mirroring = await waitForMirroring(service.url);
  cpuSeconds.migration = cpu.stop();
  const build = await waitForCompletedJob(db, ALIAS, rebuild.id);
  if (build.id !== mirroring.jobId) throw new Error(`job ${build.id} completed, the migration's build is job ${mirroring.jobId}`);
  const migratedDocs = await countOn(OPENSEARCH_NODE);
  if (migratedDocs !== docs) throw new Error(`OpenSearch holds ${migratedDocs} documents under ${ALIAS}, Elasticsearch ${docs}`);
  const migrationSeconds = (Date.parse(mirroring.updatedAt) - Date.parse(mirroring.createdAt)) / 1000;
  log(`migration to OpenSearch, job ${build.id}: MIRRORING after ${round(migrationSeconds, 2)} s (build job ${round(secondsOf(build), 2)} s); ${loadBeforeMigration}`);

  // (c) the compare report, both clusters idle again
  await settleBoth();
  const loadBeforeCompare = uptime();
  cpu.start();
  const compareStarted = performance.now();
  const compared = await serviceApi<ComparisonReport>(service.url, 'POST', `/indices/${ALIAS}/compare`, { sampleSize, repeat });
  const compareSeconds = (performance.now() - compareStarted) / 1000;
  cpuSeconds.compare = cpu.stop();
  if (compared.status !== 200) throw new Error(`compare: HTTP ${compared.status} ${JSON.stringify(compared.body).slice(0, 500)}`);
  const { summary, clusters } = compared.body;
  log(`compare: ${summary.queries} queries × ${repeat} timed runs each side; ${loadBeforeCompare}`);
  // (d) why the tops differ, document by document: the same queries read with their scores on both nodes
  const explained = await explainOverlap({ current: ELASTICSEARCH_NODE, next: OPENSEARCH_NODE }, ALIAS, compared.body.queries.map((query) => query.body));
  log(`overlap explained ${JSON.stringify(explained)}`);

  const details = {
    clusters: { current: `${clusters.current.engine} ${clusters.current.version}`, next: `${clusters.next.engine} ${clusters.next.version}` },
    rebuildJob: { id: rebuild.id, phases: await phaseSeconds(db, rebuild.id) },
    migrationJob: { id: build.id, seconds: round(secondsOf(build), 2), phases: await phaseSeconds(db, build.id) },
    cpuSeconds,
    settings: Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('REINDEX_'))),
    loadBeforeRebuild,
    loadBeforeMigration,
    loadAtEnd: uptime(),
  };
  log(`details ${JSON.stringify(details)}`);
  console.log(
    JSON.stringify({
      events,
      docs,
      rebuildOnElasticsearch: { seconds: round(rebuildSeconds, 2), docsPerSec: Math.round(docs / rebuildSeconds) },
      migrationToOpenSearch: { seconds: round(migrationSeconds, 2), docsPerSec: Math.round(docs / migrationSeconds) },
      migrationVsRebuildTime: round(migrationSeconds / rebuildSeconds, 2),
      compare: {
        seconds: round(compareSeconds, 2),
        vsRebuildTime: round(compareSeconds / rebuildSeconds, 3),
        queries: summary.queries,
        failed: summary.failed,
        sameTotal: summary.sameTotal,
        meanTopOverlap: summary.meanTopOverlap,
        meanRbo: summary.meanRbo,
        engineOrderOverlap: explained.engineOrderOverlap,
        repeat,
        latencyMs: { elasticsearch: summary.latencyMs.current, opensearch: summary.latencyMs.next },
      },
    }),
  );
} finally {
  await service?.stop();
  for (const node of [ELASTICSEARCH_NODE, OPENSEARCH_NODE]) await deleteIndices(PREFIX, node).catch(() => undefined);
  await deleteRabbitTopology(env.RABBITMQ_EXCHANGE, env.RABBITMQ_QUEUE).catch(() => undefined);
  await db.end();
  await dropDatabase(DATABASE);
}

/** Neither node still merges the previous part's segments. */
async function settleBoth(): Promise<void> {
  await Promise.all([waitForMergesToSettle(ELASTICSEARCH_NODE), waitForMergesToSettle(OPENSEARCH_NODE)]);
}

async function countOn(node: string): Promise<number> {
  return (await openSearch<{ count: number }>('GET', `/${ALIAS}/_count`, undefined, node)).count;
}

/** From the request to COMPLETED, as the job's row records it. */
function secondsOf(job: JobRow): number {
  return (job.finishedAt!.getTime() - job.createdAt.getTime()) / 1000;
}

/** The alias's migration once MIRRORING; throws if it fails or is aborted instead. */
async function waitForMirroring(serviceUrl: string, timeoutMs = 3_600_000): Promise<NonNullable<MigrationAnswer['migration']>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await serviceApi<MigrationAnswer>(serviceUrl, 'GET', `/indices/${ALIAS}/migration`);
    const migration = body.migration;
    if (migration?.state === 'MIRRORING') return migration;
    if (migration?.state === 'FAILED' || migration?.state === 'ABORTING' || migration?.state === 'ABORTED') throw new Error(`the migration of ${ALIAS} is ${migration.state}: ${migration.lastError}`);
    if (Date.now() > deadline) throw new Error(`${ALIAS} not MIRRORING within ${timeoutMs} ms (${JSON.stringify(migration)})`);
    await sleep(200);
  }
}
