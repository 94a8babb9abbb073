import { eventsIndex } from '../test/support/demo-definitions.js';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  CpuMeter,
  deleteIndices,
  deleteRabbitTopology,
  ensureSeeded,
  forgetJobs,
  log,
  machine,
  openPool,
  phaseSeconds,
  phaseWindows,
  requestFullJob,
  round,
  serviceEnv,
  sleep,
  uptime,
  waitForCompletedJob,
  waitForMergesToSettle,
} from './support/bench-environment.js';
import { JobSampler, timeline, timelineChart, type TimelinePoint } from './support/pace-timeline.js';
import { SearchLoad, summarize, type SearchSample } from './support/search-load.js';
import { ServiceChild } from './support/service-child.js';

// `npm run bench:zero-downtime`: the service builds v1 of the events alias, then a search load at a
// fixed rate runs through the alias while idle, and again for the whole of a FULL rebuild (v2 built,
// alias swapped, v1 deleted). Prints what was sent, what failed and p50/p99 for both windows, and
// the backfill's rate. REINDEX_PACE / REINDEX_SEARCH_LATENCY_BUDGET / REINDEX_MAX_DOCS_PER_SECOND
// on the command reach the service. `--stop-load-after S` stops the searches S seconds into the
// backfill (does the pace come back?); `--timeline FILE` writes the job's second-by-second rate, pace
// and search p99 to FILE.json and a chart of them to FILE.svg.
const USAGE =
  'usage: npm run bench:zero-downtime -- [--events N (1000000)] [--seed S (1)] [--rate searches/s (400)] [--idle-seconds 30] [--stop-load-after seconds] [--timeline FILE]';
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    rate: { type: 'string', default: '400' },
    'idle-seconds': { type: 'string', default: '30' },
    'stop-load-after': { type: 'string' },
    timeline: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const events = Number(values.events);
const seed = Number(values.seed);
const rate = Number(values.rate);
const idleSeconds = Number(values['idle-seconds']);
const stopLoadAfter = values['stop-load-after'] === undefined ? null : Number(values['stop-load-after']);
if (!Number.isSafeInteger(events) || events < 1 || !Number.isSafeInteger(seed) || !(rate >= 1) || !(idleSeconds >= 1) || (stopLoadAfter !== null && !(stopLoadAfter >= 0))) {
  console.error(USAGE);
  process.exit(1);
}

const DATABASE = 'reindexer_bench';
const PREFIX = 'benchzd_';
const NAME = 'bench-zero-downtime';
const ALIAS = `${PREFIX}${eventsIndex.name}`;
/** Searches the job window must hold for the verdict to mean anything. */
const REQUIRED_SEARCHES = 20_000;
const WARM_UP_SECONDS = 10;

const started = machine();
log(`machine: ${started.nproc} cpus, ${started.ramGb} GB; ${started.uptime}`);
log(await ensureSeeded(DATABASE, events, seed));
const db = openPool(serviceEnv(DATABASE, PREFIX, NAME).DATABASE_URL);
let service: ServiceChild | undefined;
let load: SearchLoad | undefined;
const onSignal = () => void Promise.all([load?.stop(), service?.stop()]).finally(() => process.exit(130));
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  await deleteIndices(PREFIX);
  await forgetJobs(db, PREFIX);
  service = await ServiceChild.start(serviceEnv(DATABASE, PREFIX, NAME));
  log(`building v1 of ${ALIAS} (not measured)`);
  const first = await waitForCompletedJob(db, ALIAS);
  await waitForCompletedJob(db, `${PREFIX}venues`);
  await waitForMergesToSettle();

  // The first searches on a freshly built index fill its caches (hundreds of ms each): a warm-up,
  // not the idle latency a rebuild is compared with, so they are sent and left out.
  log(`warm-up: ${rate} searches/s for ${WARM_UP_SECONDS} s (not measured)`);
  load = new SearchLoad(ALIAS, rate);
  await sleep(WARM_UP_SECONDS * 1000);
  const warmUp = summarize(await load.stop());
  log(`warm-up: ${JSON.stringify(warmUp)}`);

  log(`idle: ${rate} searches/s for ${idleSeconds} s`);
  const loadIdle = uptime();
  load = new SearchLoad(ALIAS, rate);
  await sleep(idleSeconds * 1000);
  const idle = summarize(await load.stop());
  load = undefined;
  log(`idle: ${JSON.stringify(idle)}`);

  log(`rebuild: ${rate} searches/s from before the FULL job is requested until after it completed`);
  const loadBeforeJob = uptime();
  const cpu = await CpuMeter.forServices();
  cpu.start(service.pid);
  const jobLoad = new SearchLoad(ALIAS, rate);
  load = jobLoad;
  await sleep(2000);
  const jobId = await requestFullJob(service.url, ALIAS);
  const sampler = new JobSampler(db, jobId);
  let samples: SearchSample[] | undefined;
  let loadStoppedAt: number | null = null;
  const stoppingLoad =
    stopLoadAfter === null
      ? Promise.resolve()
      : (async () => {
          while ((await latestJobPhase(jobId)) !== 'BACKFILL') await sleep(100);
          await sleep(stopLoadAfter * 1000);
          loadStoppedAt = Date.now();
          samples = await jobLoad.stop();
          log(`search load stopped ${stopLoadAfter} s into BACKFILL`);
        })();
  const job = await waitForCompletedJob(db, ALIAS, first.id);
  if (job.id !== jobId) throw new Error(`job ${job.id} completed, ${jobId} was requested`);
  await stoppingLoad;
  await sleep(2000);
  samples ??= await jobLoad.stop();
  load = undefined;
  const jobSamples = await sampler.stop();
  const cpuSeconds = cpu.stop();
  const from = job.createdAt.getTime();
  const to = job.finishedAt!.getTime();
  const during = summarize(samples.filter((sample) => sample.sentAtEpochMs >= from && sample.sentAtEpochMs <= to));
  const window = summarize(samples);
  const jobSeconds = round((to - from) / 1000, 1);
  const byPhase: Record<string, { sent: number; failed: number; p50Ms: number; p99Ms: number }> = {};
  for (const phase of await phaseWindows(db, job.id)) {
    const { sent, failed, p50Ms, p99Ms } = summarize(samples.filter((sample) => sample.sentAtEpochMs >= phase.from && sample.sentAtEpochMs < phase.to));
    if (sent > 0) byPhase[phase.name] = { sent, failed, p50Ms, p99Ms };
  }
  const points = timeline(jobSamples, samples, from);
  const backfill = (await phaseWindows(db, job.id)).find((phase) => phase.name === 'BACKFILL')!;
  const backfillSeconds = (backfill.to - backfill.from) / 1000;
  const paceStates: Record<string, number> = {};
  for (const point of points) if (point.phase === 'BACKFILL' && point.paceState) paceStates[point.paceState] = (paceStates[point.paceState] ?? 0) + 1;
  const budget = Number(process.env.REINDEX_SEARCH_LATENCY_BUDGET ?? 3);
  const stoppedAt = loadStoppedAt as number | null;
  const loadStopped =
    stoppedAt === null
      ? undefined
      : {
          // When the pace went unlimited after the searches stopped, and what the job wrote in the 10 s after that.
          unpacedAfterSeconds: secondsUntil(points, (stoppedAt - from) / 1000, (point) => point.paceDocsPerSecond === 0),
          docsPerSecondNext10s: meanRate(points, (stoppedAt - from) / 1000, 10),
        };
  if (values.timeline) {
    writeFileSync(`${values.timeline}.json`, `${JSON.stringify(points, null, 1)}\n`);
    const title = `${process.env.REINDEX_PACE ?? 'auto'} pace${process.env.REINDEX_PACE === 'fixed' ? ` ${process.env.REINDEX_MAX_DOCS_PER_SECOND ?? 0}` : `, budget ${budget}`}: ${rate} searches/s, idle p99 ${idle.p99Ms} ms`;
    writeFileSync(`${values.timeline}.svg`, timelineChart(points, title, process.env.REINDEX_PACE === 'fixed' ? null : budget * idle.p99Ms));
    log(`timeline written to ${values.timeline}.json and .svg`);
  }
  log(`rebuild job ${job.id}: ${jobSeconds} s, phases ${JSON.stringify(await phaseSeconds(db, job.id))}, ${job.sourceIndex} → ${job.targetIndex}; cpu ${JSON.stringify(cpuSeconds)}`);

  const result = {
    events,
    searchesPerSecond: rate,
    pace: process.env.REINDEX_PACE ?? 'auto',
    budget: process.env.REINDEX_PACE === 'fixed' ? null : budget,
    maxDocsPerSecond: Number(process.env.REINDEX_MAX_DOCS_PER_SECOND ?? 0),
    job: { seconds: jobSeconds, ...during },
    backfill: { seconds: round(backfillSeconds, 1), docsPerSec: Math.round((job.docsTotal ?? 0) / backfillSeconds) },
    paceStates,
    ...(loadStopped ? { loadStopped } : {}),
    jobByPhase: byPhase,
    wholeLoadWindow: { sent: window.sent, failed: window.failed },
    idle,
    p99RatioJobVsIdle: idle.p99Ms > 0 ? round(during.p99Ms / idle.p99Ms, 2) : null,
    enoughSearches: during.sent >= REQUIRED_SEARCHES,
    loadBeforeIdle: loadIdle,
    loadBeforeJob,
    loadAtEnd: uptime(),
  };
  console.log(JSON.stringify(result));
  if (!result.enoughSearches) log(`only ${during.sent} searches fell inside the job: raise --rate or --events for ${REQUIRED_SEARCHES}`);
} finally {
  await load?.stop();
  await service?.stop();
  await deleteIndices(PREFIX).catch(() => undefined);
  await forgetJobs(db, PREFIX).catch(() => undefined);
  await deleteRabbitTopology(`reindexer.changes.${NAME}`, `reindexer.live-updates.${NAME}`).catch(() => undefined);
  await db.end();
}

async function latestJobPhase(jobId: number): Promise<string | null> {
  const [row] = await db.query<{ phase: string | null }[]>('SELECT phase FROM reindex_jobs WHERE id = ?', [jobId]);
  return row?.phase ?? null;
}

/** Seconds from `t` until the first point that `reached` says; null when none did. */
function secondsUntil(points: readonly TimelinePoint[], t: number, reached: (point: TimelinePoint) => boolean): number | null {
  const point = points.find((candidate) => candidate.t >= t && reached(candidate));
  return point ? round(point.t - t, 1) : null;
}

/** Mean documents per second over `seconds` from `t`. */
function meanRate(points: readonly TimelinePoint[], t: number, seconds: number): number {
  const inside = points.filter((point) => point.t > t && point.t <= t + seconds);
  return inside.length === 0 ? 0 : Math.round(inside.reduce((sum, point) => sum + point.docsPerSecond, 0) / inside.length);
}
