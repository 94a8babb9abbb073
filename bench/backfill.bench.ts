import { type EventRow, eventsIndex } from '../test/support/demo-definitions.js';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import type { IndexDefinition, SourceRow } from '../src/indices/index-definition.js';
import { BULK_LOAD_SETTINGS } from '../src/reindex/lifecycle/bulk-load-settings.js';
import {
  CpuMeter,
  OPENSEARCH_NODE,
  databaseUrl,
  deleteIndices,
  deleteRabbitTopology,
  ensureSeeded,
  forgetJobs,
  type JobRow,
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
import { codeDefinedEvents } from './support/code-defined-events.js';
import { CODE_DEFINED_SERVICE_MAIN, ServiceChild } from './support/service-child.js';

// `npm run bench:backfill -- --events N`: in one run, on the same seeded rows,
//   (a) the service's FULL job (drift builds v1 behind an alias nothing serves yet), PREPARE to CLEANUP,
//   (b) the ceiling: raw `_bulk` of the same documents, pre-built as NDJSON, at client concurrency 1, 2, 4,
//   (c) OpenSearch's `_reindex` copying those documents index to index (default slices and size),
// and prints one JSON line with the ratios. Progress and details go to stderr.
// `--compare-code-defined`: right after (a), the same FULL job with the code-defined `events` of
// 429a9cf (bench/support/code-defined-events.ts, under its own prefix), then the file-defined job
// once more (file, code, file: drift between runs shows), each on a cluster holding no other
// benchmark index; the JSON line adds `fileDefined` (both file runs), `codeDefined` and
// `fileVsCodeDefined` (mean docs/s of the two file runs ÷ the code-defined run's). (c) then
// copies the second file run's index, which holds the same documents as the first's.
// `--pin`: OpenSearch on CPU 0, MariaDB, the service and the benchmark on CPU 1, for all three parts
// alike (the search cluster on a core of its own, as on machines of its own).
// `--bulk-bytes 0,5242880`: the job once per REINDEX_BULK_BYTES given, one after the other on a cluster
// holding no other benchmark index, each against the same raw `_bulk` ceiling (`byBulkBytes`).
const USAGE = 'usage: npm run bench:backfill -- [--events N (200000)] [--seed S (1)] [--concurrency 1,2,4] [--raw-request-mb 5] [--cpu-prof] [--pin] [--compare-code-defined] [--bulk-bytes B,B…]';
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '1,2,4' },
    'raw-request-mb': { type: 'string', default: '5' },
    'cpu-prof': { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
    'compare-code-defined': { type: 'boolean', default: false },
    'bulk-bytes': { type: 'string', default: '' },
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
const bulkBytesRuns = values['bulk-bytes'] ? values['bulk-bytes'].split(',').map(Number) : [];
if (
  !Number.isSafeInteger(events) ||
  events < 1 ||
  !Number.isSafeInteger(seed) ||
  concurrencies.some((c) => !Number.isInteger(c) || c < 1) ||
  !(rawRequestBytes > 0) ||
  bulkBytesRuns.some((bytes) => !Number.isInteger(bytes) || bytes < 0)
) {
  console.error(USAGE);
  process.exit(1);
}

const DATABASE = 'reindexer_bench';
const PREFIX = 'bench_';
const RAW_PREFIX = 'benchraw_';
const CODE_PREFIX = 'benchcode_';
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
  await deleteIndices(CODE_PREFIX);
  await forgetJobs(db, PREFIX);
  await forgetJobs(db, CODE_PREFIX);
  if (values['compare-code-defined']) log(await compareDocuments());

  // Built before anything is timed; it also warms MySQL's caches for the job, as a live server would be.
  const ndjson = await buildNdjson();
  log(`built ${ndjson.documents} documents as NDJSON: ${round(ndjson.bytes / 2 ** 20, 1)} MB in ${ndjson.requests.length} requests of ~${values['raw-request-mb']} MB, ${ndjson.seconds} s`);

  // (a) the service's FULL job
  const cpu = await CpuMeter.forServices();
  const cpuSeconds: Record<string, Record<string, number>> = {};
  const { opensearch, mariadb } = cpu.processIds;
  if (values.pin) {
    pinned = [opensearch, mariadb, process.pid];
    pin({ opensearch: { pid: opensearch, cpus: '0' }, mariadb: { pid: mariadb, cpus: '1' }, bench: { pid: process.pid, cpus: '1' } });
  }
  const bulkBytesOf = (run: number): Record<string, string> => (bulkBytesRuns.length > 0 ? { REINDEX_BULK_BYTES: String(bulkBytesRuns[run]) } : {});
  const first = await runFullJob(cpu, PREFIX, undefined, bulkBytesOf(0));
  const { job, jobDocs, jobSeconds, peakRssMb, loadBeforeJob } = first;
  cpuSeconds.job = first.cpuSeconds;
  const phases = await phaseSeconds(db, job.id);
  log(`job ${job.id}: ${jobDocs} documents in ${round(jobSeconds, 2)} s (${Math.round(jobDocs / jobSeconds)}/s), peak RSS ${peakRssMb} MB, phases ${JSON.stringify(phases)}; ${loadBeforeJob}`);

  // (a') the same job with the code-defined events, then the file-defined one again
  let comparison: { fileDefined: JobRun[]; codeDefined: JobRun } | undefined;
  if (values['compare-code-defined']) {
    const runs: JobRun[] = [toRun(first, phases)];
    // Every run starts on a cluster with no other benchmark index, as (a) did.
    await forgetAliases(PREFIX);
    for (const [label, prefix, entry] of [
      ['code-defined', CODE_PREFIX, CODE_DEFINED_SERVICE_MAIN],
      ['file-defined again', PREFIX, undefined],
    ] as const) {
      const result = await runFullJob(cpu, prefix, entry);
      if (result.jobDocs !== jobDocs) throw new Error(`the ${label} job indexed ${result.jobDocs} documents, the first job ${jobDocs}`);
      const run = toRun(result, await phaseSeconds(db, result.job.id));
      runs.push(run);
      cpuSeconds[prefix === CODE_PREFIX ? 'codeDefinedJob' : 'fileDefinedJob2'] = result.cpuSeconds;
      log(`${label} job ${run.jobId}: ${result.jobDocs} documents in ${run.seconds} s (${run.docsPerSec}/s), peak RSS ${run.peakRssMb} MB, phases ${JSON.stringify(run.phases)}; ${result.loadBeforeJob}`);
      // The second file run's index stays for (c).
      if (prefix === CODE_PREFIX) await forgetAliases(CODE_PREFIX);
    }
    comparison = { fileDefined: [runs[0], runs[2]], codeDefined: runs[1] };
  }

  // (a'') the same job with each other REINDEX_BULK_BYTES
  const byBulkBytes: (JobRun & { bulkBytes: number; cpuSecondsPerMillionDocs: Record<string, number> })[] = [];
  for (const [run, bulkBytes] of bulkBytesRuns.entries()) {
    if (run > 0) await forgetAliases(PREFIX);
    const result = run === 0 ? first : await runFullJob(cpu, PREFIX, undefined, bulkBytesOf(run));
    if (result.jobDocs !== jobDocs) throw new Error(`the job with REINDEX_BULK_BYTES=${bulkBytes} indexed ${result.jobDocs} documents, the first job ${jobDocs}`);
    const perMillionOf = (name: string) => round((result.cpuSeconds[name] ?? 0) / (result.jobDocs / 1e6), 1);
    byBulkBytes.push({
      bulkBytes,
      ...toRun(result, await phaseSeconds(db, result.job.id)),
      cpuSecondsPerMillionDocs: { service: perMillionOf('service'), mariadb: perMillionOf('mariadb'), opensearch: perMillionOf('opensearch') },
    });
    cpuSeconds[`jobBulkBytes${bulkBytes}`] = result.cpuSeconds;
    log(`REINDEX_BULK_BYTES=${bulkBytes}: job ${result.job.id}, ${Math.round(result.jobDocs / result.jobSeconds)}/s, peak RSS ${result.peakRssMb} MB; ${result.loadBeforeJob}`);
  }

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
    ...(comparison ? { comparison } : {}),
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
      ...(byBulkBytes.length > 0
        ? {
            byBulkBytes: byBulkBytes.map(({ bulkBytes, docsPerSec, peakRssMb: rss, phases: runPhases, cpuSecondsPerMillionDocs }) => ({
              bulkBytes,
              docsPerSec,
              ratioVsRawBulk: round(docsPerSec / bestRaw.docsPerSec, 3),
              ratioVsReindexApi: round(docsPerSec / reindexApiDocsPerSec, 3),
              backfillSeconds: runPhases.BACKFILL,
              verifySeconds: runPhases.VERIFY,
              peakRssMb: rss,
              cpuSecondsPerMillionDocs,
            })),
          }
        : {}),
      ...(comparison
        ? {
            fileDefined: comparison.fileDefined.map(({ seconds, docsPerSec }) => ({ seconds, docsPerSec })),
            codeDefined: { seconds: comparison.codeDefined.seconds, docsPerSec: comparison.codeDefined.docsPerSec },
            // From the docs/s printed beside it, so that the line can be checked by hand.
            fileVsCodeDefined: round(mean(comparison.fileDefined.map((run) => run.docsPerSec)) / comparison.codeDefined.docsPerSec, 3),
          }
        : {}),
    }),
  );
} finally {
  await service?.stop();
  unpin(pinned);
  await deleteIndices(PREFIX).catch(() => undefined);
  await deleteIndices(RAW_PREFIX).catch(() => undefined);
  await deleteIndices(CODE_PREFIX).catch(() => undefined);
  await forgetJobs(db, PREFIX).catch(() => undefined);
  await forgetJobs(db, CODE_PREFIX).catch(() => undefined);
  await deleteRabbitTopology('reindexer.changes.bench-backfill', 'reindexer.live-updates.bench-backfill').catch(() => undefined);
  await db.end();
}

interface FullJobResult {
  readonly job: JobRow;
  readonly jobSeconds: number;
  readonly jobDocs: number;
  readonly peakRssMb: number;
  readonly cpuSeconds: Record<string, number>;
  readonly loadBeforeJob: string;
}

interface JobRun {
  readonly jobId: number;
  readonly seconds: number;
  readonly docsPerSec: number;
  readonly docs: number;
  readonly peakRssMb: number;
  readonly phases: Record<string, number>;
}

/**
 * Starts a service (bench-service.js, or `entry`) with index prefix `prefix` on a cluster without
 * that prefix's aliases, so that drift builds events and venues; times the events FULL job from
 * its row's creation to its end, the service's CPU from its start, and stops the service once
 * venues is built too.
 */
async function runFullJob(cpu: CpuMeter, prefix: string, entry?: string, settings: Record<string, string> = {}): Promise<FullJobResult> {
  await waitForMergesToSettle();
  const loadBeforeJob = uptime();
  service = await ServiceChild.start({ ...serviceEnv(DATABASE, prefix, 'bench-backfill'), ...settings }, {
    entry,
    nodeArgs: values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', 'bench/profiles'] : [],
  });
  // The service starts building as soon as it is up; its first milliseconds run unpinned.
  if (values.pin) pin({ service: { pid: service.pid, cpus: '1' } });
  cpu.start(service.pid);
  const job = await waitForCompletedJob(db, `${prefix}${eventsIndex.name}`);
  const cpuSeconds = cpu.stop();
  await waitForCompletedJob(db, `${prefix}venues`);
  const peakRssMb = service.peakRssMb();
  await service.stop();
  service = undefined;
  const jobSeconds = (job.finishedAt!.getTime() - job.createdAt.getTime()) / 1000;
  const jobDocs = (await openSearch<{ count: number }>('GET', `/${prefix}${eventsIndex.name}/_count`)).count;
  return { job, jobSeconds, jobDocs, peakRssMb, cpuSeconds, loadBeforeJob };
}

function toRun(result: FullJobResult, phases: Record<string, number>): JobRun {
  return {
    jobId: result.job.id,
    seconds: round(result.jobSeconds, 2),
    docsPerSec: Math.round(result.jobDocs / result.jobSeconds),
    docs: result.jobDocs,
    peakRssMb: result.peakRssMb,
    phases,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Deletes the indices of `prefix` and forgets their jobs, so that the next service builds them again. */
async function forgetAliases(prefix: string): Promise<void> {
  await deleteIndices(prefix);
  await forgetJobs(db, prefix);
}

/**
 * The comparison means something only if both definitions give the same documents: the first
 * READ_BATCH indexable rows through each one's byCursor query and toDocument must agree, version included.
 */
async function compareDocuments(): Promise<string> {
  const documentsOf = async (definition: IndexDefinition) => {
    const rows = await db.query<SourceRow[]>({ sql: definition.source.byCursor, namedPlaceholders: true }, { afterId: 0, limit: READ_BATCH });
    return rows.map((row) => definition.toDocument(row));
  };
  const fromFile = await documentsOf(eventsIndex);
  const fromCode = await documentsOf(codeDefinedEvents);
  if (fromFile.length !== fromCode.length) throw new Error(`the file-defined events read ${fromFile.length} rows, the code-defined ones ${fromCode.length}`);
  const differing = fromFile.findIndex((document, i) => !isDeepStrictEqual(document, fromCode[i]));
  if (differing >= 0) throw new Error(`the two events definitions disagree on a document:\n  file ${JSON.stringify(fromFile[differing])}\n  code ${JSON.stringify(fromCode[differing])}`);
  return `the file- and code-defined events give the same ${fromFile.length} first documents`;
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
