import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect as amqpConnect } from 'amqplib';
import { createConnection, createPool, type Pool } from 'mariadb';
import { projectRoot } from '../../src/common/project-root.js';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';
import { applySchemaMigrations } from '../../src/job-store/schema-migrator.js';
import { applyDemoSchema } from '../../scripts/seed/demo-schema.js';

const ROOT = projectRoot();

/** Service addresses: the environment's, else the ones scripts/services.sh checks. */
export const OPENSEARCH_NODE = (process.env.OPENSEARCH_NODE ?? 'http://127.0.0.1:9200').replace(/\/$/, '');
/** Elasticsearch 7.10, the cluster a migration leaves (`npm run services -- --with-elasticsearch`). */
export const ELASTICSEARCH_NODE = (process.env.ELASTICSEARCH_NODE ?? 'http://127.0.0.1:9250').replace(/\/$/, '');
export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MYSQL_SERVER = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** The URL of database `name` on the benchmark's MySQL server. */
export function databaseUrl(name: string): string {
  const url = new URL(MYSQL_SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Machine facts for BENCHMARKS.md; `uptime` is taken again at the end of every run. */
export function machine(): { nproc: number; ramGb: number; uptime: string } {
  return { nproc: availableParallelism(), ramGb: Math.round(totalmem() / 2 ** 30), uptime: uptime() };
}

export function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadavg().map((load) => load.toFixed(2)).join(', ')}`;
  }
}

/**
 * Creates, migrates (the service's tables and the demo source tables, which the migrations no
 * longer create) and seeds database `name` with `events` events of `seed`, unless a
 * previous run already did with the same figures (recorded in a `bench_seed` table).
 */
export async function ensureSeeded(name: string, events: number, seed: number): Promise<string> {
  const admin = await createConnection(poolConfigFromUrl(MYSQL_SERVER));
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  await applySchemaMigrations(url);
  await applyDemoSchema(url);
  const db = await createConnection(poolConfigFromUrl(url));
  try {
    await db.query('CREATE TABLE IF NOT EXISTS bench_seed (events INT NOT NULL, seed INT NOT NULL)');
    const [marker] = await db.query<{ events: number; seed: number }[]>('SELECT events, seed FROM bench_seed');
    const [{ count }] = await db.query<{ count: number }[]>('SELECT COUNT(*) AS count FROM events');
    if (marker?.events === events && marker.seed === seed && Number(count) === events) return `${name} already holds ${events} events of seed ${seed}`;
    await db.query('DELETE FROM bench_seed');
    log(`seeding ${name} with ${events} events (seed ${seed}), ~90 s per million`);
    const { stdout } = await promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'scripts', 'seed.ts'), '--events', String(events), '--seed', String(seed), '--reset'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: url, SOURCE_DATABASE_URL: url }, maxBuffer: 64 * 1024 * 1024 },
    );
    // updated_at is the load time; CATCH_UP replays every row changed up to 60 s before its job
    // started, so a job right after the seed would replay the whole table. Not a seed column.
    await db.query('UPDATE venues SET updated_at = updated_at - INTERVAL 1 DAY');
    await db.query('UPDATE events SET updated_at = updated_at - INTERVAL 1 DAY');
    await db.query('INSERT INTO bench_seed (events, seed) VALUES (?, ?)', [events, seed]);
    return stdout.trim().split('\n').pop() ?? '';
  } finally {
    await db.end();
  }
}

/** Drops database `name` from the benchmark's MySQL server, seed and job rows with it. */
export async function dropDatabase(name: string): Promise<void> {
  const admin = await createConnection(poolConfigFromUrl(MYSQL_SERVER));
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
}

export function openPool(url: string): Pool {
  return createPool(poolConfigFromUrl(url, { connectionLimit: 2 }));
}

/** Forgets earlier runs' jobs (and cluster migrations) for these aliases so that drift finds them missing again. */
export async function forgetJobs(db: Pool, aliasPrefix: string): Promise<void> {
  const like = `${aliasPrefix.replace(/_/g, '\\_')}%`;
  await db.query('DELETE FROM cluster_migrations WHERE alias LIKE ?', [like]);
  await db.query('UPDATE reindex_run_slots SET job_id = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE job_id IN (SELECT id FROM reindex_jobs WHERE alias LIKE ?)', [like]);
  await db.query('DELETE FROM reindex_jobs WHERE alias LIKE ?', [like]);
}

export interface JobRow {
  readonly id: number;
  readonly status: string;
  readonly phase: string | null;
  readonly targetIndex: string | null;
  readonly sourceIndex: string | null;
  readonly docsTotal: number | null;
  readonly docsProcessed: number;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

export async function latestJob(db: Pool, alias: string): Promise<JobRow | undefined> {
  const [row] = await db.query<JobRow[]>(
    `SELECT id, status, phase, target_index AS targetIndex, source_index AS sourceIndex, docs_total AS docsTotal,
       docs_processed AS docsProcessed, last_error AS lastError, created_at AS createdAt, finished_at AS finishedAt
     FROM reindex_jobs WHERE alias = ? AND kind = 'FULL' ORDER BY id DESC LIMIT 1`,
    [alias],
  );
  return row;
}

/** The newest FULL job of `alias` with an id above `afterId`, once it is COMPLETED; throws if it fails or pauses. */
export async function waitForCompletedJob(db: Pool, alias: string, afterId = 0, timeoutMs = 3_600_000): Promise<JobRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await latestJob(db, alias);
    if (job && job.id > afterId) {
      if (job.status === 'COMPLETED') return job;
      if (['FAILED', 'CANCELLED', 'PAUSED'].includes(job.status)) throw new Error(`job ${job.id} for ${alias} is ${job.status}: ${job.lastError}`);
    }
    if (Date.now() > deadline) throw new Error(`no completed job for ${alias} within ${timeoutMs} ms (latest: ${JSON.stringify(job)})`);
    await sleep(200);
  }
}

/** One call to the service's admin API, as an operator would make it. */
export async function serviceApi<T>(serviceUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${serviceUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** `POST /indices/:alias/reindex {"mode":"full"}` on the service, as an operator would; returns the job id. */
export async function requestFullJob(serviceUrl: string, alias: string): Promise<number> {
  const { status, body } = await serviceApi<{ id?: number; created?: boolean }>(serviceUrl, 'POST', `/indices/${alias}/reindex`, { mode: 'full' });
  if (status !== 202 || body.id === undefined || body.created !== true) throw new Error(`could not start a FULL job for ${alias}: HTTP ${status} ${JSON.stringify(body)}`);
  return body.id;
}

/** The service environment every benchmark uses, on its own database, index prefix and RabbitMQ names. */
export function serviceEnv(database: string, prefix: string, name: string): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('REINDEX_') && entry[1] !== undefined)),
    DATABASE_URL: databaseUrl(database),
    OPENSEARCH_NODE,
    RABBITMQ_URL,
    RABBITMQ_EXCHANGE: `reindexer.changes.${name}`,
    RABBITMQ_QUEUE: `reindexer.live-updates.${name}`,
    ADMIN_API_TOKEN: BENCH_ADMIN_TOKEN,
    INDEX_PREFIX: prefix,
    INSTANCE_ID: name,
    PORT: '0',
  };
}

/** When the job entered and left each phase (or status, for PENDING), from its transition rows. */
export async function phaseWindows(db: Pool, jobId: number): Promise<{ name: string; from: number; to: number }[]> {
  const rows = await db.query<{ toStatus: string; toPhase: string | null; createdAt: Date }[]>(
    'SELECT to_status AS toStatus, to_phase AS toPhase, created_at AS createdAt FROM reindex_job_events WHERE job_id = ? ORDER BY id',
    [jobId],
  );
  return rows.slice(0, -1).map((row, i) => ({ name: row.toPhase ?? row.toStatus, from: row.createdAt.getTime(), to: rows[i + 1].createdAt.getTime() }));
}

/** Seconds spent in each phase, from the job's transition rows. */
export async function phaseSeconds(db: Pool, jobId: number): Promise<Record<string, number>> {
  const phases: Record<string, number> = {};
  for (const window of await phaseWindows(db, jobId)) phases[window.name] = round((phases[window.name] ?? 0) + (window.to - window.from) / 1000, 2);
  return phases;
}

/** One call to a search node (OpenSearch unless `node` says otherwise); a non-2xx answer throws with the body. */
export async function openSearch<T = Record<string, unknown>>(method: string, path: string, body?: unknown, node = OPENSEARCH_NODE): Promise<T> {
  const response = await fetch(`${node}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Deletes every index whose name starts with `prefix` (one name at a time: wildcard deletes may be refused). */
export async function deleteIndices(prefix: string, node = OPENSEARCH_NODE): Promise<string[]> {
  const rows = await openSearch<{ index: string }[]>('GET', `/_cat/indices/${prefix}*?format=json&h=index&expand_wildcards=all`, undefined, node);
  for (const { index } of rows) await openSearch('DELETE', `/${index}`, undefined, node);
  return rows.map((row) => row.index);
}

/** Waits until the node runs no merge, so one measurement does not pay for the previous one's. */
export async function waitForMergesToSettle(node = OPENSEARCH_NODE, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stats = await openSearch<{ nodes: Record<string, { indices: { merges: { current: number } } }> }>('GET', '/_nodes/stats/indices/merge', undefined, node);
    if (Object.values(stats.nodes).every((node) => node.indices.merges.current === 0)) return;
    await sleep(500);
  }
}

export async function deleteRabbitTopology(exchange: string, queue: string): Promise<void> {
  const connection = await amqpConnect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    for (const name of [queue, `${queue}.dlq`, `${queue}.retry`]) await channel.deleteQueue(name);
    await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}

/**
 * CPU time (user + system, in seconds) that processes spent between `start` and `stop`:
 * the OpenSearch node, MariaDB, the service child when given, this benchmark, and the whole
 * machine. On a shared box it tells which process a stage was bound by, wall time aside.
 */
export class CpuMeter {
  private readonly ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  private startedAt: Record<string, number> = {};

  constructor(private readonly pids: Record<string, number | undefined>) {}

  /** MariaDB and each search node of `searchNodes` (a name for the figures → its URL). */
  static async forServices(searchNodes: Record<string, string> = { opensearch: OPENSEARCH_NODE }): Promise<CpuMeter> {
    const pids: Record<string, number | undefined> = {};
    for (const [name, node] of Object.entries(searchNodes)) {
      const nodes = await openSearch<{ nodes: Record<string, { process: { id: number } }> }>('GET', '/_nodes/_local/process', undefined, node);
      pids[name] = Object.values(nodes.nodes)[0]?.process.id;
    }
    return new CpuMeter({ ...pids, mariadb: pidOf(['mariadbd', 'mysqld']) });
  }

  /** The process id of each measured process by name (the service once `start` was given it). */
  get processIds(): Readonly<Record<string, number | undefined>> {
    return this.pids;
  }

  start(servicePid?: number): void {
    if (servicePid !== undefined) this.pids.service = servicePid;
    this.startedAt = this.read();
  }

  /** CPU seconds per process since `start`. */
  stop(): Record<string, number> {
    const now = this.read();
    return Object.fromEntries(Object.entries(now).map(([name, seconds]) => [name, round(seconds - (this.startedAt[name] ?? 0), 2)]));
  }

  private read(): Record<string, number> {
    const seconds: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      if (pid === undefined) continue;
      try {
        // Fields after the command: utime is the 12th, stime the 13th (1-based after ") ").
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        seconds[name] = (Number(fields[11]) + Number(fields[12])) / this.ticksPerSecond;
      } catch {
        // The process is gone (a stopped service): its last reading stands.
      }
    }
    const usage = process.cpuUsage();
    seconds.bench = (usage.user + usage.system) / 1e6;
    const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
    const [user, nice, system, , , irq, softirq, steal] = cpu.split(/\s+/).slice(1).map(Number);
    seconds.machineBusy = (user + nice + system + irq + softirq + steal) / this.ticksPerSecond;
    return seconds;
  }
}

/**
 * Pins each process, every thread of it, to the given CPUs (`taskset -a -cp`), e.g. the search node
 * on CPU 0 and MariaDB, the service and the benchmark on CPU 1: the search node then has a core of
 * its own, as it would have machines of its own in production. `unpin` gives them every CPU back.
 */
export function pin(processes: Readonly<Record<string, { pid: number | undefined; cpus: string }>>): void {
  for (const [name, { pid, cpus }] of Object.entries(processes)) {
    if (pid === undefined) throw new Error(`--pin: no process id for ${name}`);
    execFileSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' });
  }
}

export function unpin(pids: readonly (number | undefined)[]): void {
  const every = `0-${cpus().length - 1}`;
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      execFileSync('taskset', ['-a', '-cp', every, String(pid)], { stdio: 'ignore' });
    } catch {
      // Gone already.
    }
  }
}

function pidOf(names: readonly string[]): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // Gone while listing.
    }
  }
  return undefined;
}

/** The `p` quantile (0..1) by nearest rank; 0 for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
