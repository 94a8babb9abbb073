import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

const MYSQL_URL = /^(mysql|mariadb):\/\/[^/\s]+\/[A-Za-z0-9_$-]+(\?.*)?$/;

/** `true` and `false` as text become booleans; anything else is left for @IsBoolean to refuse. */
const BooleanText = () => Transform(({ value }: { value: unknown }) => ({ true: true, false: false })[String(value)] ?? value);

/** Every variable the service reads; defaults live here and nowhere else. */
export class EnvironmentVariables {
  /** 0 picks any free port (tests). */
  @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @Matches(MYSQL_URL, { message: 'DATABASE_URL must look like mysql://user:password@host:3306/database' })
  DATABASE_URL!: string;

  /**
   * Where the source rows are read (a read replica, the application's database with a read-only
   * user); unset: DATABASE_URL. The service never creates or migrates tables there.
   */
  @IsOptional()
  @Matches(MYSQL_URL, { message: 'SOURCE_DATABASE_URL must look like mysql://user:password@host:3306/database' })
  SOURCE_DATABASE_URL?: string;

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'OPENSEARCH_NODE must be an http(s) URL such as http://127.0.0.1:9200' })
  OPENSEARCH_NODE!: string;

  @IsOptional() @IsString()
  OPENSEARCH_USERNAME?: string;

  @IsOptional() @IsString()
  OPENSEARCH_PASSWORD?: string;

  @IsOptional() @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'OPENSEARCH_AWS_REGION must be an AWS region such as eu-west-1' })
  OPENSEARCH_AWS_REGION?: string;

  /** PEM file of the CA (or the self-signed certificate) an https OPENSEARCH_NODE presents; the system's CAs otherwise. */
  @IsOptional() @IsString()
  OPENSEARCH_CA_FILE?: string;

  /**
   * The cluster search moves to (a cluster migration): same meanings as the OPENSEARCH_* variables.
   * Unset: the service knows one cluster only.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'OPENSEARCH_NEXT_NODE must be an http(s) URL such as https://search.example.com:443' })
  OPENSEARCH_NEXT_NODE?: string;

  @IsOptional() @IsString()
  OPENSEARCH_NEXT_USERNAME?: string;

  @IsOptional() @IsString()
  OPENSEARCH_NEXT_PASSWORD?: string;

  @IsOptional() @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'OPENSEARCH_NEXT_AWS_REGION must be an AWS region such as eu-west-1' })
  OPENSEARCH_NEXT_AWS_REGION?: string;

  @IsOptional() @IsString()
  OPENSEARCH_NEXT_CA_FILE?: string;

  /** How long after a migration moved reads off a cluster its alias there is kept (applications poll GET /indices/:alias/reads more often). */
  @Type(() => Number) @IsInt() @Min(0) @Max(3600)
  MIGRATION_READS_GRACE_SECONDS = 10;

  @Matches(/^amqps?:\/\/\S+$/, { message: 'RABBITMQ_URL must look like amqp://user:password@host:5672' })
  RABBITMQ_URL!: string;

  /** PEM file of the CA (or the self-signed certificate) an amqps:// RABBITMQ_URL presents; the system's CAs otherwise. */
  @IsOptional() @IsString()
  RABBITMQ_CA_FILE?: string;

  @IsString() @IsNotEmpty()
  RABBITMQ_EXCHANGE = 'reindexer.changes';

  @IsString() @IsNotEmpty()
  RABBITMQ_QUEUE = 'reindexer.live-updates';

  @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  RABBITMQ_PREFETCH = 64;

  @Type(() => Number) @IsInt() @Min(1) @Max(100)
  RABBITMQ_MAX_ATTEMPTS = 5;

  @Type(() => Number) @IsInt() @Min(100)
  RABBITMQ_RETRY_DELAY_MS = 5000;

  @BooleanText()
  @IsBoolean({ message: 'OUTBOX_ENABLED must be true or false' })
  OUTBOX_ENABLED = false;

  @Type(() => Number) @IsInt() @Min(50)
  OUTBOX_POLL_INTERVAL_MS = 500;

  @Type(() => Number) @IsInt() @Min(1) @Max(10000)
  OUTBOX_BATCH_SIZE = 500;

  /** The operator token recorded as `admin`; checked with ADMIN_API_TOKENS by apiTokensOf (at least one of the two). */
  @IsOptional() @IsString()
  ADMIN_API_TOKEN?: string;

  /** Named tokens with roles: `name:role:token` entries (role operator or viewer), separated by commas. */
  @IsOptional() @IsString()
  ADMIN_API_TOKENS?: string;

  /** /metrics and /docs without ADMIN_API_TOKEN, for a scraper inside a trusted network. */
  @BooleanText()
  @IsBoolean({ message: 'METRICS_PUBLIC must be true or false' })
  METRICS_PUBLIC = false;

  @IsString() @Matches(/^[a-z0-9_]*$/, { message: 'INDEX_PREFIX may hold only lowercase letters, digits and _' })
  INDEX_PREFIX = '';

  /** Folder of index definition files (YAML or JSON, one per alias); the demo's when unset. */
  @IsOptional() @IsString() @IsNotEmpty({ message: 'INDEX_DEFINITIONS_DIR must name a folder' })
  INDEX_DEFINITIONS_DIR?: string;

  @IsOptional() @IsString() @IsNotEmpty()
  INSTANCE_ID?: string;

  @Type(() => Number) @IsInt() @Min(1) @Max(64)
  REINDEX_MAX_CONCURRENT_JOBS = 2;

  @Type(() => Number) @IsInt() @Min(1) @Max(50000)
  REINDEX_BATCH_SIZE = 2000;

  @Type(() => Number) @IsInt() @Min(1) @Max(16)
  REINDEX_BULK_CONCURRENCY = 2;

  /** 8 MiB: the gateway's largest request (bulk.mapper.ts, MAX_BULK_REQUEST_BYTES). */
  @Type(() => Number) @IsInt() @Min(0) @Max(8 * 1024 * 1024)
  REINDEX_BULK_BYTES = 0;

  @Type(() => Number) @IsInt() @Min(0)
  REINDEX_MAX_DOCS_PER_SECOND = 0;

  @IsIn(['auto', 'fixed'])
  REINDEX_PACE: 'auto' | 'fixed' = 'auto';

  @IsIn(['refuse', 'repair'])
  REINDEX_VERIFY_LOST: 'refuse' | 'repair' = 'refuse';

  @Type(() => Number) @IsNumber() @Min(1.1) @Max(1000)
  REINDEX_SEARCH_LATENCY_BUDGET = 3;

  @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  RELEVANCE_MAX_NDCG_DROP = 0.02;

  @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  RELEVANCE_MIN_OVERLAP = 0.8;

  @Type(() => Number) @IsInt() @Min(1)
  REINDEX_MIN_DOCS_PER_SECOND = 500;

  @Type(() => Number) @IsInt() @Min(0) @Max(20)
  REINDEX_MAX_RETRIES = 3;

  @Type(() => Number) @IsInt() @Min(0)
  REINDEX_RETRY_BASE_DELAY_MS = 1000;

  @Type(() => Number) @IsInt() @Min(1000)
  REINDEX_RECOVERY_INTERVAL_MS = 30000;

  @Type(() => Number) @IsInt() @Min(1000)
  REINDEX_PAUSE_TIMEOUT_MS = 1800000;

  @Type(() => Number) @IsInt() @Min(1000)
  REINDEX_LEASE_MS = 30000;

  @Type(() => Number) @IsInt() @Min(0) @Max(10)
  REINDEX_RETAIN_PREVIOUS = 0;

  /** Ended jobs older than this many days are pruned with their transitions; 0 keeps them forever. */
  @Type(() => Number) @IsInt() @Min(0) @Max(36500)
  REINDEX_HISTORY_DAYS = 90;

  /** A concrete index named like an alias (not ours) is adopted by the deploy check instead of only reported. */
  @BooleanText()
  @IsBoolean({ message: 'REINDEX_ADOPT_EXISTING must be true or false' })
  REINDEX_ADOPT_EXISTING = false;

  /** `observe`: drift and the plan run, nothing is written to any cluster or the source. */
  @IsIn(['run', 'observe'])
  REINDEX_MODE: 'run' | 'observe' = 'run';

  /** Fault injection for crash tests and demos: a wait before and after each phase's side effects. */
  @Type(() => Number) @IsInt() @Min(0) @Max(600000)
  REINDEX_FAULT_PHASE_DELAY_MS = 0;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Unset: pretty on a terminal, JSON lines otherwise. */
  @IsOptional() @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' })
  LOG_FORMAT?: 'json' | 'pretty';
}
