import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, loadConfig } from './app-config.js';

const VALID = {
  DATABASE_URL: 'mysql://root:secret@127.0.0.1:3306/reindexer',
  OPENSEARCH_NODE: 'http://127.0.0.1:9200',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  ADMIN_API_TOKEN: 'a-token-of-sixteen-or-more',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(VALID);
    expect(config.port).toBe(3000);
    expect(config.reindex).toMatchObject({ maxConcurrentJobs: 2, maxRetries: 3, recoveryIntervalMs: 30000, pauseTimeoutMs: 1800000, retainPrevious: 0, historyDays: 90 });
    expect(config.rabbitmq).toMatchObject({ exchange: 'reindexer.changes', queue: 'reindexer.live-updates', deadLetterQueue: 'reindexer.live-updates.dlq' });
    expect(config.outbox.enabled).toBe(false);
    expect(config.metricsPublic).toBe(false);
    expect(config.log.level).toBe('log');
  });

  it('logs JSON lines unless stdout is a terminal, and LOG_FORMAT overrides either way', () => {
    expect(loadConfig(VALID, { stdoutIsTTY: false }).log.format).toBe('json');
    expect(loadConfig(VALID, { stdoutIsTTY: true }).log.format).toBe('pretty');
    expect(loadConfig({ ...VALID, LOG_FORMAT: 'json' }, { stdoutIsTTY: true }).log.format).toBe('json');
    expect(loadConfig({ ...VALID, LOG_FORMAT: 'pretty' }, { stdoutIsTTY: false }).log.format).toBe('pretty');
    expect(problemsOf({ ...VALID, LOG_FORMAT: 'xml' })).toEqual(['LOG_FORMAT: LOG_FORMAT must be json or pretty']);
  });

  it('reads REINDEX_HISTORY_DAYS as whole days, 0 keeping history forever', () => {
    expect(loadConfig({ ...VALID, REINDEX_HISTORY_DAYS: '0' }).reindex.historyDays).toBe(0);
    expect(loadConfig({ ...VALID, REINDEX_HISTORY_DAYS: '30' }).reindex.historyDays).toBe(30);
    expect(problemsOf({ ...VALID, REINDEX_HISTORY_DAYS: '-1' })).toEqual([expect.stringMatching(/^REINDEX_HISTORY_DAYS: /)]);
    expect(problemsOf({ ...VALID, REINDEX_HISTORY_DAYS: '1.5' })).toEqual([expect.stringMatching(/^REINDEX_HISTORY_DAYS: /)]);
  });

  it('reads METRICS_PUBLIC as a boolean', () => {
    expect(loadConfig({ ...VALID, METRICS_PUBLIC: 'true' }).metricsPublic).toBe(true);
    expect(problemsOf({ ...VALID, METRICS_PUBLIC: 'yes' })).toEqual(['METRICS_PUBLIC: METRICS_PUBLIC must be true or false']);
  });

  it('reads the next cluster from OPENSEARCH_NEXT_*, and knows none when OPENSEARCH_NEXT_NODE is unset', () => {
    expect(loadConfig(VALID).opensearchNext).toBeUndefined();
    const config = loadConfig({ ...VALID, OPENSEARCH_NEXT_NODE: 'https://next.example.com:443', OPENSEARCH_NEXT_USERNAME: 'admin', OPENSEARCH_NEXT_PASSWORD: 's3cret' });
    expect(config.opensearchNext).toEqual({ variables: 'OPENSEARCH_NEXT', node: 'https://next.example.com:443', username: 'admin', password: 's3cret', awsRegion: undefined, ca: undefined });
    expect(config.opensearch.variables).toBe('OPENSEARCH');
  });

  it('refuses next-cluster details without OPENSEARCH_NEXT_NODE, and a next node that is the current one', () => {
    expect(problemsOf({ ...VALID, OPENSEARCH_NEXT_USERNAME: 'admin', OPENSEARCH_NEXT_AWS_REGION: 'eu-west-1' })).toEqual([
      'OPENSEARCH_NEXT_USERNAME, OPENSEARCH_NEXT_AWS_REGION are set, but OPENSEARCH_NEXT_NODE is not',
    ]);
    expect(problemsOf({ ...VALID, OPENSEARCH_NEXT_NODE: 'http://127.0.0.1:9200/' })).toEqual([
      'OPENSEARCH_NEXT_NODE is the same node as OPENSEARCH_NODE: the next cluster must be another cluster',
    ]);
    expect(problemsOf({ ...VALID, OPENSEARCH_NEXT_NODE: 'ftp://next' })).toEqual([expect.stringMatching(/^OPENSEARCH_NEXT_NODE: OPENSEARCH_NEXT_NODE must be an http\(s\) URL/)]);
  });

  it('reads source rows from DATABASE_URL unless SOURCE_DATABASE_URL names another database', () => {
    expect(loadConfig(VALID).sourceDatabase.url).toBe(VALID.DATABASE_URL);
    const replica = 'mysql://reader:secret@replica.internal:3306/shop?sslcert=/etc/ssl/ca.pem';
    const config = loadConfig({ ...VALID, SOURCE_DATABASE_URL: replica });
    expect(config.sourceDatabase.url).toBe(replica);
    expect(config.database.url).toBe(VALID.DATABASE_URL);
    expect(problemsOf({ ...VALID, SOURCE_DATABASE_URL: 'postgres://replica/shop' })).toEqual([
      'SOURCE_DATABASE_URL: SOURCE_DATABASE_URL must look like mysql://user:password@host:3306/database',
    ]);
  });

  it('names a missing ADMIN_API_TOKEN', () => {
    const { ADMIN_API_TOKEN: _omitted, ...env } = VALID;
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^ADMIN_API_TOKEN is missing/)]);
  });

  it('lists every bad variable at once', () => {
    const problems = problemsOf({ ...VALID, DATABASE_URL: 'postgres://x', REINDEX_BATCH_SIZE: 'many', OUTBOX_ENABLED: 'maybe', PORT: '70000' });
    expect(problems.map((problem) => problem.split(/[ :]/)[0]).sort()).toEqual(['DATABASE_URL', 'OUTBOX_ENABLED', 'PORT', 'REINDEX_BATCH_SIZE']);
  });

  it('never repeats a secret in its message', () => {
    const problems = problemsOf({ ...VALID, ADMIN_API_TOKEN: 'short-secret' });
    expect(problems.join('\n')).not.toContain('short-secret');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...VALID, OPENSEARCH_USERNAME: '', PORT: '' }).port).toBe(3000);
  });

  describe('CA files for TLS', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reindexer-config-'));
    const pem = join(folder, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const notPem = join(folder, 'notes.txt');
    writeFileSync(notPem, 'not a certificate');
    const tls = { ...VALID, OPENSEARCH_NODE: 'https://search.internal:9200', RABBITMQ_URL: 'amqps://guest:guest@broker.internal:5671' };

    it('reads OPENSEARCH_CA_FILE and RABBITMQ_CA_FILE once, at start-up', () => {
      const config = loadConfig({ ...tls, OPENSEARCH_CA_FILE: pem, RABBITMQ_CA_FILE: pem });
      expect(config.opensearch.ca?.toString()).toContain('BEGIN CERTIFICATE');
      expect(config.rabbitmq.ca?.toString()).toContain('BEGIN CERTIFICATE');
      expect(loadConfig(tls).opensearch.ca).toBeUndefined();
    });

    it('names a CA file that cannot be read, holds no certificate, or goes with a plain-text URL', () => {
      expect(problemsOf({ ...tls, OPENSEARCH_CA_FILE: join(folder, 'missing.pem'), RABBITMQ_CA_FILE: notPem })).toEqual([
        expect.stringMatching(/^OPENSEARCH_CA_FILE: cannot read .*missing\.pem: ENOENT/),
        `RABBITMQ_CA_FILE: ${notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      ]);
      expect(problemsOf({ ...VALID, OPENSEARCH_CA_FILE: pem, RABBITMQ_CA_FILE: pem })).toEqual([
        'OPENSEARCH_CA_FILE is set, but OPENSEARCH_NODE does not start with https://',
        'RABBITMQ_CA_FILE is set, but RABBITMQ_URL does not start with amqps://',
      ]);
    });

    it('reads OPENSEARCH_NEXT_CA_FILE for the next cluster', () => {
      expect(loadConfig({ ...VALID, OPENSEARCH_NEXT_NODE: 'https://next.internal:443', OPENSEARCH_NEXT_CA_FILE: pem }).opensearchNext?.ca?.toString()).toContain('BEGIN CERTIFICATE');
      expect(problemsOf({ ...VALID, OPENSEARCH_NEXT_NODE: 'http://next.internal:9200', OPENSEARCH_NEXT_CA_FILE: pem })).toEqual([
        'OPENSEARCH_NEXT_CA_FILE is set, but OPENSEARCH_NEXT_NODE does not start with https://',
      ]);
    });
  });
});
