import { randomBytes } from 'node:crypto';
import { connect as amqpConnect } from 'amqplib';
import { createConnection } from 'mariadb';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';
import { applySchemaMigrations } from '../../src/job-store/schema-migrator.js';
import { applyDemoSchema } from '../../scripts/seed/demo-schema.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * Per test file: its own MySQL database (migrated, with the demo source tables of
 * scripts/seed/schema.sql beside the service's: the migrations no longer create them), its own index-name prefix and
 * its own RabbitMQ exchange and queues, all removed by `dispose`.
 */
export class TestContext {
  readonly id: string;
  readonly databaseUrl: string;
  readonly indexPrefix: string;
  readonly opensearchNode: string;
  readonly rabbitmqUrl: string;
  readonly exchange: string;
  readonly queue: string;

  private constructor(name: string, opensearchNode: string | undefined) {
    const base = process.env.DATABASE_URL;
    const opensearch = opensearchNode ?? process.env.OPENSEARCH_NODE;
    const rabbit = process.env.RABBITMQ_URL;
    if (!base || !opensearch || !rabbit) throw new Error('global setup did not provide DATABASE_URL, OPENSEARCH_NODE and RABBITMQ_URL');
    this.id = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 20)}_${randomBytes(3).toString('hex')}`;
    const url = new URL(base);
    url.pathname = `/rx_${this.id}`;
    this.databaseUrl = url.toString();
    this.indexPrefix = `t_${this.id}_`;
    this.opensearchNode = opensearch;
    this.rabbitmqUrl = rabbit;
    this.exchange = `reindexer.changes.${this.id}`;
    this.queue = `reindexer.live-updates.${this.id}`;
  }

  /**
   * `opensearchNode`: another search node than OPENSEARCH_NODE, such as ELASTICSEARCH_NODE.
   * `demoSchema: false`: the service's tables only, for a test whose source rows live elsewhere.
   */
  static async create(name: string, { opensearchNode, demoSchema = true }: { opensearchNode?: string; demoSchema?: boolean } = {}): Promise<TestContext> {
    const context = new TestContext(name, opensearchNode);
    await context.admin(`CREATE DATABASE \`rx_${context.id}\``);
    await applySchemaMigrations(context.databaseUrl);
    if (demoSchema) await applyDemoSchema(context.databaseUrl);
    return context;
  }

  /** Environment for an in-process app (through `config`) or a child service process. */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      OPENSEARCH_NODE: this.opensearchNode,
      RABBITMQ_URL: this.rabbitmqUrl,
      RABBITMQ_EXCHANGE: this.exchange,
      RABBITMQ_QUEUE: this.queue,
      ADMIN_API_TOKEN: TEST_ADMIN_TOKEN,
      INDEX_PREFIX: this.indexPrefix,
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...overrides,
    };
  }

  config(overrides: Record<string, string> = {}): AppConfig {
    return loadConfig(this.env(overrides));
  }

  async dispose(): Promise<void> {
    await this.admin(`DROP DATABASE IF EXISTS \`rx_${this.id}\``);
    await this.deleteIndices();
    const connection = await amqpConnect(this.rabbitmqUrl);
    const channel = await connection.createChannel();
    for (const queue of [this.queue, `${this.queue}.dlq`, `${this.queue}.retry`]) await channel.deleteQueue(queue);
    await channel.deleteExchange(this.exchange);
    await connection.close();
  }

  /** Deletes the indices named with this context's prefix on `node`: its own cluster, or another one it was built on too. */
  async deleteIndices(node = this.opensearchNode): Promise<void> {
    const response = await fetch(`${node}/_cat/indices/${this.indexPrefix}*?format=json&h=index`);
    const indices = response.ok ? ((await response.json()) as { index: string }[]) : [];
    for (const { index } of indices) await fetch(`${node}/${index}`, { method: 'DELETE' });
  }

  /** Runs SQL on this test's own database. */
  async sql<T = unknown>(statement: string, params: unknown[] = []): Promise<T[]> {
    const connection = await createConnection(poolConfigFromUrl(this.databaseUrl));
    try {
      return await connection.query<T[]>(statement, params);
    } finally {
      await connection.end();
    }
  }

  private async admin(sql: string): Promise<void> {
    const connection = await createConnection(poolConfigFromUrl(process.env.DATABASE_URL!));
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  }
}
