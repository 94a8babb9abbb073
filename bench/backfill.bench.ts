import { type EventRow, eventsIndex } from '../test/support/demo-definitions.js';
import { parseArgs } from 'node:util';
import { BULK_LOAD_SETTINGS } from '../src/reindex/index-lifecycle.service.js';
import {
  CpuMeter,
  OPENSEARCH_NODE,
  databaseUrl,
  deleteIndices,
  deleteRabbitTopology,
  ensureSeeded,
  forgetJobs,
  log,
  machine,
  openPool,
  openSearch,
  phaseSeconds,
  pin,
  round,
  serviceEnv,
  unpin,
  uptime,
  waitForCompletedJob,
  waitForMergesToSettle,
} from './support/bench-environment.js';
import { ServiceChild } from './support/service-child.js';

// `npm run bench:backfill -- --events N`: in one run, on the same seeded rows,
//   (a) the service's FULL job (drift builds v1 behind an alias nothing serves yet), PREPARE to CLEANUP,
//   (b) the ceiling: raw `_bulk` of the same documents, pre-built as NDJSON, at client concurrency 1, 2, 4,
//   (c) OpenSearch's `_reindex` copying those documents index to index (default slices and size),
// and prints one JSON line with the ratios. Progress and details go to stderr.
// `--pin`: OpenSearch on CPU 0, MariaDB, the service and the benchmark on CPU 1, for all three parts
// alike (the search cluster on a core of its own, as on machines of its own).
const USAGE = 'usage: npm run bench:backfill -- [--events N (200000)] [--seed S (1)] [--concurrency 1,2,4] [--raw-request-mb 5] [--cpu-prof] [--pin]';
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '1,2,4' },
    'raw-request-mb': { type: 'string', default: '5' },
    'cpu-prof': { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const events = Number(values.events);
const seed = Number(values.seed);
const concurrencies = values.concurrency.split(',').map(Number);
const rawRequestBytes = Number(values['raw-request-mb']) * 1024 * 1024;
if (!Number.isSafeInteger(events) || events < 1 || !Number.isSafeInteger(seed) || concurrencies.some((c) => !Number.isInteger(c) || c < 1) || !(rawRequestBytes > 0)) {
  console.error(USAGE);
  process.exit(1);
}

const DATABASE = 'reindexer_bench';
const PREFIX = 'bench_';
const RAW_PREFIX = 'benchraw_';
const ALIAS = `${PREFIX}${eventsIndex.name}`;
const READ_BATCH = 10_000;

const started = machine();
log(`machine: ${started.nproc} cpus, ${started.ramGb} GB; ${started.uptime}`);
log(await ensureSeeded(DATABASE, events, seed));
const url = databaseUrl(DATABASE);
const db = openPool(url);
let service: ServiceChild | undefined;
let pinned: (number | undefined)[] = [];
const onSignal = () => void service?.stop().finally(() => {
  unpin(pinned);
  process.exit(130);
});
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  await deleteIndices(PREFIX);
  await deleteIndices(RAW_PREFIX);
  await forgetJobs(db, PREFIX);

  // Built before anything is timed; it also warms MySQL's caches for the job, as a live server would be.
  const ndjson = await buildNdjson();
  log(`built ${ndjson.documents} documents as NDJSON: ${round(ndjson.bytes / 2 ** 20, 1)} MB in ${ndjson.requests.length} requests of ~${values['raw-request-mb']} MB, ${ndjson.seconds} s`);

  // (a) the service's FULL job
  await waitForMergesToSettle();
  const cpu = await CpuMeter.forServices();
  const cpuSeconds: Record<string, Record<string, number>> = {};
  const { opensearch, mariadb } = cpu.processIds;
  if (values.pin) {
    pinned = [opensearch, mariadb, process.pid];
    pin({ opensearch: { pid: opensearch, cpus: '0' }, mariadb: { pid: mariadb, cpus: '1' }, bench: { pid: process.pid, cpus: '1' } });
  }
  const loadBeforeJob = uptime();
  service = await ServiceChild.start(serviceEnv(DATABASE, PREFIX, 'bench-backfill'), {
    nodeArgs: values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', 'bench/profiles'] : [],
  });
  // The service starts building as soon as it is up; its first milliseconds run unpinned.
  if (values.pin) pin({ service: { pid: service.pid, cpus: '1' } });
  cpu.start(service.pid);
  const job = await waitForCompletedJob(db, ALIAS);
  cpuSeconds.job = cpu.stop();
  await waitForCompletedJob(db, `${PREFIX}venues`);
  const peakRssMb = service.peakRssMb();
  await service.stop();
  service = undefined;
  const jobSeconds = (job.finishedAt!.getTime() - job.createdAt.getTime()) / 1000;
  const jobDocs = (await openSearch<{ count: number }>('GET', `/${ALIAS}/_count`)).count;
  const phases = await phaseSeconds(db, job.id);
  log(`job ${job.id}: ${jobDocs} documents in ${round(jobSeconds, 2)} s (${Math.round(jobDocs / jobSeconds)}/s), peak RSS ${peakRssMb} MB, phases ${JSON.stringify(phases)}; ${loadBeforeJob}`);

  // (b) the ceiling: raw _bulk of the pre-built NDJSON, best client concurrency
  const raw: { concurrency: number; seconds: number; docsPerSec: number }[] = [];
  for (const concurrency of concurrencies) {
    await waitForMergesToSettle();
    const index = `${RAW_PREFIX}c${concurrency}`;
    await createLikeTarget(index);
    cpu.start();
    const t0 = performance.now();
    await sendAll(index, ndjson.requests, concurrency);
    const seconds = (performance.now() - t0) / 1000;
    cpuSeconds[`raw_c${concurrency}`] = cpu.stop();
    await openSearch('POST', `/${index}/_refresh`);
    const count = (await openSearch<{ count: number }>('GET', `/${index}/_count`)).count;
    if (count !== ndjson.documents) throw new Error(`${index} holds ${count} documents, ${ndjson.documents} were sent`);
    await openSearch('DELETE', `/${index}`);
    raw.push({ concurrency, seconds: round(seconds, 2), docsPerSec: Math.round(count / seconds) });
    log(`raw _bulk, concurrency ${concurrency}: ${round(seconds, 2)} s, ${Math.round(count / seconds)}/s; ${uptime()}`);
  }
  const bestRaw = raw.reduce((best, candidate) => (candidate.docsPerSec > best.docsPerSec ? candidate : best));

  // (c) OpenSearch's _reindex from the job's index into a fresh one, timed by the task
  await waitForMergesToSettle();
  const reindexTarget = `${RAW_PREFIX}reindex`;
  await createLikeTarget(reindexTarget);
  cpu.start();
  const { task } = await openSearch<{ task: string }>('POST', '/_reindex?wait_for_completion=false', { source: { index: ALIAS }, dest: { index: reindexTarget } });
  const reindexed = await waitForTask(task);
  cpuSeconds.reindex = cpu.stop();
  if (reindexed.created !== jobDocs) throw new Error(`_reindex created ${reindexed.created} documents, the job indexed ${jobDocs}`);
  const reindexSeconds = reindexed.took / 1000;
  log(`_reindex: ${round(reindexSeconds, 2)} s, ${Math.round(reindexed.created / reindexSeconds)}/s; ${uptime()}`);

  if (jobDocs !== ndjson.documents) throw new Error(`the job indexed ${jobDocs} documents, the NDJSON holds ${ndjson.documents}`);
  const jobDocsPerSec = Math.round(jobDocs / jobSeconds);
  // What the pipeline costs per million documents, apart from the indexing itself.
  const perMillion = (name: string) => round((cpuSeconds.job[name] ?? 0) / (jobDocs / 1e6), 1);
  const reindexApiDocsPerSec = Math.round(reindexed.created / reindexSeconds);
  const details = {
    jobId: job.id,
    jobSeconds: round(jobSeconds, 2),
    phases,
    raw,
    bestRawConcurrency: bestRaw.concurrency,
    rawRequestMb: Number(values['raw-request-mb']),
    reindexSeconds: round(reindexSeconds, 2),
    ndjsonMb: round(ndjson.bytes / 2 ** 20, 1),
    cpuSeconds,
    // REINDEX_* variables of this process reach the service, so a tuning can be tried without a rebuild.
    settings: Object.fromEntries(Object.entries(serviceEnv(DATABASE, PREFIX, 'bench-backfill')).filter(([name]) => name.startsWith('REINDEX_'))),
    loadBeforeJob,
    loadAtEnd: uptime(),
  };
  log(`details ${JSON.stringify(details)}`);
  console.log(
    JSON.stringify({
      events,
      jobDocsPerSec,
      rawBulkDocsPerSec: bestRaw.docsPerSec,
      reindexApiDocsPerSec,
      ratioVsRawBulk: round(jobDocsPerSec / bestRaw.docsPerSec, 3),
      ratioVsReindexApi: round(jobDocsPerSec / reindexApiDocsPerSec, 3),
      peakRssMb,
      docs: jobDocs,
      pinned: values.pin,
      cpuSecondsPerMillionDocs: { service: perMillion('service'), mariadb: perMillion('mariadb'), opensearch: perMillion('opensearch') },
    }),
  );
} finally {
  await service?.stop();
  unpin(pinned);
  await deleteIndices(PREFIX).catch(() => undefined);
  await deleteIndices(RAW_PREFIX).catch(() => undefined);
  await forgetJobs(db, PREFIX).catch(() => undefined);
  await deleteRabbitTopology('reindexer.changes.bench-backfill', 'reindexer.live-updates.bench-backfill').catch(() => undefined);
  await db.end();
}

/** Every indexable row through the definition's own query and toDocument, as `_bulk` NDJSON in requests of about rawRequestBytes. */
async function buildNdjson(): Promise<{ requests: Buffer[]; documents: number; bytes: number; seconds: number }> {
  const t0 = performance.now();
  const requests: Buffer[] = [];
  let lines: string[] = [];
  let pending = 0;
  let documents = 0;
  let bytes = 0;
  let afterId = 0;
  for (;;) {
    const rows = await db.query<EventRow[]>({ sql: eventsIndex.source.byCursor, namedPlaceholders: true }, { afterId, limit: READ_BATCH });
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1].id;
    for (const row of rows) {
      const document = eventsIndex.toDocument(row);
      if (!document) continue;
      const pair = `${JSON.stringify({ index: { _id: document.id, version: document.version, version_type: 'external_gte' } })}\n${JSON.stringify(document.body)}\n`;
      lines.push(pair);
      pending += Buffer.byteLength(pair);
      documents++;
      if (pending >= rawRequestBytes) {
        requests.push(Buffer.from(lines.join('')));
        bytes += pending;
        lines = [];
        pending = 0;
      }
    }
  }
  if (lines.length > 0) {
    requests.push(Buffer.from(lines.join('')));
    bytes += pending;
  }
  return { requests, documents, bytes, seconds: round((performance.now() - t0) / 1000, 1) };
}

/** A fresh index with the job's mappings and settings, bulk-load settings included. */
async function createLikeTarget(index: string): Promise<void> {
  await openSearch('PUT', `/${index}`, { mappings: eventsIndex.mappings, settings: { ...eventsIndex.settings, ...BULK_LOAD_SETTINGS } });
}

/** `concurrency` workers take the next request until none is left; any rejected document fails the run. */
async function sendAll(index: string, requests: readonly Buffer[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const body = requests[next++];
      const response = await fetch(`${OPENSEARCH_NODE}/${index}/_bulk?filter_path=errors`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      const result = (await response.json()) as { errors?: boolean };
      if (!response.ok || result.errors !== false) throw new Error(`bulk into ${index}: HTTP ${response.status} ${JSON.stringify(result).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function waitForTask(task: string): Promise<{ took: number; created: number }> {
  for (;;) {
    const status = await openSearch<{ completed: boolean; response?: { took: number; created: number; failures: unknown[] }; error?: unknown }>('GET', `/_tasks/${task}`);
    if (status.completed) {
      if (status.error || !status.response || status.response.failures.length > 0) throw new Error(`_reindex failed: ${JSON.stringify(status).slice(0, 500)}`);
      return status.response;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
