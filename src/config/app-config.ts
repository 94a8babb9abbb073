import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { projectRoot } from '../common/index.js';
import { apiTokensOf, type ApiToken } from './api-tokens.js';
import { EnvironmentVariables } from './environment-variables.dto.js';

/** Typed, validated configuration; injected by class. */
export class AppConfig {
  readonly port: number;
  readonly instanceId: string;
  readonly log: { readonly level: EnvironmentVariables['LOG_LEVEL']; readonly format: 'json' | 'pretty' };
  /** The API's bearer tokens, each with a name and a role (ADMIN_API_TOKEN and ADMIN_API_TOKENS). */
  readonly apiTokens: readonly ApiToken[];
  readonly metricsPublic: boolean;
  readonly indexPrefix: string;
  /** Where the index definition files are read from at start-up (absolute). */
  readonly indices: { readonly definitionsDir: string };
  /** The service's own tables (jobs, slots, journal, outbox...): DATABASE_URL, migrated at start-up. */
  readonly database: { readonly url: string };
  /** Where source rows are read: SOURCE_DATABASE_URL, else DATABASE_URL. Never migrated. */
  readonly sourceDatabase: { readonly url: string };
  readonly opensearch: ClusterConnection;
  /** The cluster search moves to (OPENSEARCH_NEXT_*); absent when none is configured. */
  readonly opensearchNext?: ClusterConnection;
  /**
   * MIGRATION_READS_GRACE_SECONDS: once a migration moved the reads off a cluster (an abort off the
   * next one, a retire off the old one), its alias there is kept this long, so that applications
   * polling GET /indices/:alias/reads have moved their searches before it goes.
   */
  readonly migration: { readonly readsGraceSeconds: number };
  readonly rabbitmq: {
    readonly url: string;
    /** Trusted CA certificates for amqps (RABBITMQ_CA_FILE). */
    readonly ca?: Buffer;
    readonly exchange: string;
    readonly queue: string;
    readonly deadLetterQueue: string;
    readonly prefetch: number;
    readonly maxAttempts: number;
    readonly retryDelayMs: number;
  };
  /**
   * The relevance gate's thresholds for a definition that sets none of its own (`relevance:` in
   * the definition file): RELEVANCE_MAX_NDCG_DROP, RELEVANCE_MIN_OVERLAP.
   */
  readonly relevance: { readonly maxNdcgDrop: number; readonly minMeanOverlap: number };
  readonly outbox: { readonly enabled: boolean; readonly pollIntervalMs: number; readonly batchSize: number };
  readonly reindex: {
    readonly maxConcurrentJobs: number;
    readonly batchSize: number;
    readonly bulkConcurrency: number;
    /** A backfill's `_bulk` requests grow, a page of rows at a time, to at least this many bytes of NDJSON; 0 = one request per page. */
    readonly bulkBytes: number;
    /**
     * Backfill pace per job; 0 = as fast as the cluster takes it. Under `pace: 'auto'` the ceiling
     * the controller never goes above (0 = none).
     */
    readonly maxDocsPerSecond: number;
    /** `auto`: steered by what searches on the live index feel; `fixed`: maxDocsPerSecond. */
    readonly pace: 'auto' | 'fixed';
    /** Under auto: search p99 allowed during a backfill, as a ratio to the p99 just before it. */
    readonly searchLatencyBudget: number;
    /** Under auto: the slowest pace the controller goes down to, whatever searches feel. */
    readonly minDocsPerSecond: number;
    readonly maxRetries: number;
    readonly retryBaseDelayMs: number;
    readonly recoveryIntervalMs: number;
    readonly pauseTimeoutMs: number;
    readonly leaseMs: number;
    readonly retainPrevious: number;
    /** REINDEX_HISTORY_DAYS: ended jobs older than this are pruned with their transitions; 0 = kept forever. */
    readonly historyDays: number;
    /**
     * REINDEX_VERIFY_LOST: what VERIFY does with a difference on a row that did not change while the
     * copy was built (a write lost on the way). `refuse`: the copy is refused for good and the old
     * index stays live; `repair`: it is written again, named, and the copy swapped in once exact.
     */
    readonly verifyLost: 'refuse' | 'repair';
    /** REINDEX_ADOPT_EXISTING: the deploy check adopts a concrete index named like the alias. */
    readonly adoptExisting: boolean;
    /** REINDEX_MODE: `observe` plans and reports, and writes nothing to any cluster or the source. */
    readonly mode: 'run' | 'observe';
    readonly faultPhaseDelayMs: number;
  };

  constructor(env: EnvironmentVariables, terminal: Terminal = { stdoutIsTTY: Boolean(process.stdout.isTTY) }, certificates: Certificates = {}) {
    this.port = env.PORT;
    this.instanceId = env.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
    this.log = { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (terminal.stdoutIsTTY ? 'pretty' : 'json') };
    this.apiTokens = apiTokensOf(env.ADMIN_API_TOKEN, env.ADMIN_API_TOKENS).tokens;
    this.metricsPublic = env.METRICS_PUBLIC;
    this.indexPrefix = env.INDEX_PREFIX;
    this.indices = { definitionsDir: resolve(env.INDEX_DEFINITIONS_DIR ?? join(projectRoot(), 'definitions', 'demo')) };
    this.database = { url: env.DATABASE_URL };
    this.sourceDatabase = { url: env.SOURCE_DATABASE_URL ?? env.DATABASE_URL };
    this.opensearch = {
      variables: 'OPENSEARCH',
      node: env.OPENSEARCH_NODE,
      username: env.OPENSEARCH_USERNAME,
      password: env.OPENSEARCH_PASSWORD,
      awsRegion: env.OPENSEARCH_AWS_REGION,
      ca: certificates.opensearch,
    };
    if (env.OPENSEARCH_NEXT_NODE !== undefined) {
      this.opensearchNext = {
        variables: 'OPENSEARCH_NEXT',
        node: env.OPENSEARCH_NEXT_NODE,
        username: env.OPENSEARCH_NEXT_USERNAME,
        password: env.OPENSEARCH_NEXT_PASSWORD,
        awsRegion: env.OPENSEARCH_NEXT_AWS_REGION,
        ca: certificates.opensearchNext,
      };
    }
    this.migration = { readsGraceSeconds: env.MIGRATION_READS_GRACE_SECONDS };
    this.rabbitmq = {
      url: env.RABBITMQ_URL,
      ca: certificates.rabbitmq,
      exchange: env.RABBITMQ_EXCHANGE,
      queue: env.RABBITMQ_QUEUE,
      deadLetterQueue: `${env.RABBITMQ_QUEUE}.dlq`,
      prefetch: env.RABBITMQ_PREFETCH,
      maxAttempts: env.RABBITMQ_MAX_ATTEMPTS,
      retryDelayMs: env.RABBITMQ_RETRY_DELAY_MS,
    };
    this.relevance = { maxNdcgDrop: env.RELEVANCE_MAX_NDCG_DROP, minMeanOverlap: env.RELEVANCE_MIN_OVERLAP };
    this.outbox = { enabled: env.OUTBOX_ENABLED, pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS, batchSize: env.OUTBOX_BATCH_SIZE };
    this.reindex = {
      maxConcurrentJobs: env.REINDEX_MAX_CONCURRENT_JOBS,
      batchSize: env.REINDEX_BATCH_SIZE,
      bulkConcurrency: env.REINDEX_BULK_CONCURRENCY,
      bulkBytes: env.REINDEX_BULK_BYTES,
      maxDocsPerSecond: env.REINDEX_MAX_DOCS_PER_SECOND,
      pace: env.REINDEX_PACE,
      searchLatencyBudget: env.REINDEX_SEARCH_LATENCY_BUDGET,
      minDocsPerSecond: env.REINDEX_MIN_DOCS_PER_SECOND,
      maxRetries: env.REINDEX_MAX_RETRIES,
      retryBaseDelayMs: env.REINDEX_RETRY_BASE_DELAY_MS,
      recoveryIntervalMs: env.REINDEX_RECOVERY_INTERVAL_MS,
      pauseTimeoutMs: env.REINDEX_PAUSE_TIMEOUT_MS,
      leaseMs: env.REINDEX_LEASE_MS,
      retainPrevious: env.REINDEX_RETAIN_PREVIOUS,
      historyDays: env.REINDEX_HISTORY_DAYS,
      verifyLost: env.REINDEX_VERIFY_LOST,
      adoptExisting: env.REINDEX_ADOPT_EXISTING,
      mode: env.REINDEX_MODE,
      faultPhaseDelayMs: env.REINDEX_FAULT_PHASE_DELAY_MS,
    };
  }
}

/** The cluster search runs on (OPENSEARCH_*), or the one it moves to (OPENSEARCH_NEXT_*). */
export type ClusterRole = 'current' | 'next';

/** How to reach one search cluster. */
export interface ClusterConnection {
  /** Prefix of the variables it came from, for messages; OPENSEARCH when not given. */
  readonly variables?: 'OPENSEARCH' | 'OPENSEARCH_NEXT';
  readonly node: string;
  readonly username?: string;
  readonly password?: string;
  readonly awsRegion?: string;
  /** Trusted CA certificates for https (<variables>_CA_FILE). */
  readonly ca?: Buffer;
}

/** CA certificates read from the *_CA_FILE variables. */
export interface Certificates {
  readonly opensearch?: Buffer;
  readonly opensearchNext?: Buffer;
  readonly rabbitmq?: Buffer;
}

const NEXT_CLUSTER_DETAILS = ['OPENSEARCH_NEXT_USERNAME', 'OPENSEARCH_NEXT_PASSWORD', 'OPENSEARCH_NEXT_AWS_REGION', 'OPENSEARCH_NEXT_CA_FILE'] as const;

/** Where the service writes its logs: LOG_FORMAT defaults to pretty only for a person at a terminal. */
export interface Terminal {
  readonly stdoutIsTTY: boolean;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Validates the environment; throws one error listing every bad or missing variable. */
export function loadConfig(env: NodeJS.ProcessEnv, terminal?: Terminal): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const variables = plainToInstance(EnvironmentVariables, defined, { exposeDefaultValues: true });
  const errors = validateSync(variables, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.map((error) => {
        const value = (defined as Record<string, unknown>)[error.property];
        const messages = Object.values(error.constraints ?? {}).join('; ');
        return value === undefined ? `${error.property} is missing (${messages})` : `${error.property}: ${messages}`;
      }),
    );
  }
  const problems = [...apiTokensOf(variables.ADMIN_API_TOKEN, variables.ADMIN_API_TOKENS).problems, ...nextClusterProblems(variables)];
  const certificates: Certificates = {
    opensearch: readCertificates({ name: 'OPENSEARCH_CA_FILE', file: variables.OPENSEARCH_CA_FILE, urlName: 'OPENSEARCH_NODE', url: variables.OPENSEARCH_NODE, tlsProtocol: 'https:' }, problems),
    opensearchNext:
      variables.OPENSEARCH_NEXT_NODE === undefined
        ? undefined
        : readCertificates({ name: 'OPENSEARCH_NEXT_CA_FILE', file: variables.OPENSEARCH_NEXT_CA_FILE, urlName: 'OPENSEARCH_NEXT_NODE', url: variables.OPENSEARCH_NEXT_NODE, tlsProtocol: 'https:' }, problems),
    rabbitmq: readCertificates({ name: 'RABBITMQ_CA_FILE', file: variables.RABBITMQ_CA_FILE, urlName: 'RABBITMQ_URL', url: variables.RABBITMQ_URL, tlsProtocol: 'amqps:' }, problems),
  };
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return new AppConfig(variables, terminal, certificates);
}

/** The next cluster's details without its node, or a node that is the current one, are mistakes to stop at. */
function nextClusterProblems(variables: EnvironmentVariables): string[] {
  if (variables.OPENSEARCH_NEXT_NODE === undefined) {
    const orphans = NEXT_CLUSTER_DETAILS.filter((name) => variables[name] !== undefined);
    return orphans.length > 0 ? [`${orphans.join(', ')} ${orphans.length > 1 ? 'are' : 'is'} set, but OPENSEARCH_NEXT_NODE is not`] : [];
  }
  const sameNode = new URL(variables.OPENSEARCH_NEXT_NODE).origin === new URL(variables.OPENSEARCH_NODE).origin;
  return sameNode ? ['OPENSEARCH_NEXT_NODE is the same node as OPENSEARCH_NODE: the next cluster must be another cluster'] : [];
}

/** The PEM certificates in `file`, read once at start-up; a CA for a plain-text URL is a mistake worth saying. */
function readCertificates(
  { name, file, urlName, url, tlsProtocol }: { name: string; file?: string; urlName: string; url: string; tlsProtocol: string },
  problems: string[],
): Buffer | undefined {
  if (file === undefined) return undefined;
  if (new URL(url).protocol !== tlsProtocol) {
    problems.push(`${name} is set, but ${urlName} does not start with ${tlsProtocol}//`);
    return undefined;
  }
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (error) {
    problems.push(`${name}: cannot read ${file}: ${(error as Error).message}`);
    return undefined;
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) problems.push(`${name}: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pem;
}
