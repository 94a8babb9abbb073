import { connect as amqpConnect } from 'amqplib';
import { createConnection } from 'mariadb';
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import { MySqlContainer } from '@testcontainers/mysql';
import { RabbitMQContainer } from '@testcontainers/rabbitmq';

// Jest loads this file outside its module mapping, so it imports packages only.

type ServiceUrls = { DATABASE_URL: string; OPENSEARCH_NODE: string; RABBITMQ_URL: string };

/**
 * Finds the three real services the integration tests talk to: addresses from the
 * environment when given (CI and `npm run services`), else containers started with
 * testcontainers when a Docker engine is there, else a message naming both ways.
 * Elasticsearch is optional: only ELASTICSEARCH_NODE, when set, is checked.
 */
export default async function globalSetup(): Promise<void> {
  const given: Partial<ServiceUrls> = {
    DATABASE_URL: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL,
    OPENSEARCH_NODE: process.env.OPENSEARCH_NODE,
    RABBITMQ_URL: process.env.RABBITMQ_URL,
  };
  const missing = (Object.keys(given) as (keyof ServiceUrls)[]).filter((name) => !given[name]);
  const services = { ...given, ...(missing.length > 0 ? await startContainers(missing) : {}) } as ServiceUrls;
  Object.assign(process.env, services);
  await checkReachable(services);
}

async function startContainers(missing: (keyof ServiceUrls)[]): Promise<Partial<ServiceUrls>> {
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    throw new Error(
      `Integration tests need real MySQL, RabbitMQ and OpenSearch, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set.\n` +
        'Either point the tests at running services (without Docker: `npm run services`, then\n' +
        '  DATABASE_URL=mysql://root@127.0.0.1:3306/test RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 OPENSEARCH_NODE=http://127.0.0.1:9200 npm test)\n' +
        `or run a Docker engine so that testcontainers starts them (${(error as Error).message}).`,
      { cause: error },
    );
  }
  const started: StartedTestContainer[] = [];
  (globalThis as { __testContainers?: StartedTestContainer[] }).__testContainers = started;
  const urls: Partial<ServiceUrls> = {};
  if (missing.includes('DATABASE_URL')) {
    const mysql = await new MySqlContainer('mysql:8.4').withRootPassword('root').withDatabase('test').start();
    started.push(mysql);
    urls.DATABASE_URL = `mysql://root:root@${mysql.getHost()}:${mysql.getPort()}/test`;
  }
  if (missing.includes('RABBITMQ_URL')) {
    const rabbit = await new RabbitMQContainer('rabbitmq:4-management').start();
    started.push(rabbit);
    urls.RABBITMQ_URL = rabbit.getAmqpUrl();
  }
  if (missing.includes('OPENSEARCH_NODE')) {
    const opensearch = await new GenericContainer('opensearchproject/opensearch:2.19.1')
      .withEnvironment({ 'discovery.type': 'single-node', DISABLE_SECURITY_PLUGIN: 'true', OPENSEARCH_JAVA_OPTS: '-Xms1g -Xmx1g' })
      .withExposedPorts(9200)
      .withWaitStrategy(Wait.forHttp('/_cluster/health', 9200).forStatusCode(200))
      .withStartupTimeout(180_000)
      .start();
    started.push(opensearch);
    urls.OPENSEARCH_NODE = `http://${opensearch.getHost()}:${opensearch.getMappedPort(9200)}`;
  }
  return urls;
}

async function checkReachable(services: ServiceUrls): Promise<void> {
  const problems: string[] = [];
  await createConnection(services.DATABASE_URL.replace(/^mysql:/, 'mariadb:'))
    .then((connection) => connection.end())
    .catch((error: Error) => problems.push(`MySQL at DATABASE_URL: ${error.message}`));
  await fetch(`${services.OPENSEARCH_NODE}/_cluster/health`)
    .then((response) => {
      if (!response.ok) problems.push(`OpenSearch at OPENSEARCH_NODE answered ${response.status}`);
    })
    .catch((error: Error) => problems.push(`OpenSearch at OPENSEARCH_NODE: ${error.message} (start it with \`npm run services\`)`));
  const elasticsearch = process.env.ELASTICSEARCH_NODE;
  if (elasticsearch) await checkElasticsearch(elasticsearch, problems);
  await amqpConnect(services.RABBITMQ_URL)
    .then((connection) => connection.close())
    .catch((error: Error) => problems.push(`RabbitMQ at RABBITMQ_URL: ${error.message}`));
  if (problems.length > 0) throw new Error(`Integration test services are not reachable:\n  - ${problems.join('\n  - ')}`);
}

/** Optional: when set, the contracts run against it too, so it must answer, and be Elasticsearch. */
async function checkElasticsearch(node: string, problems: string[]): Promise<void> {
  try {
    const response = await fetch(`${node}/`);
    if (!response.ok) {
      problems.push(`Elasticsearch at ELASTICSEARCH_NODE answered ${response.status}`);
      return;
    }
    const root = (await response.json()) as { version?: { distribution?: string; number?: string } };
    if (root.version?.distribution === 'opensearch') problems.push(`ELASTICSEARCH_NODE (${node}) is OpenSearch ${root.version.number}, not Elasticsearch`);
  } catch (error) {
    problems.push(`Elasticsearch at ELASTICSEARCH_NODE: ${(error as Error).message} (start it with \`npm run services -- --with-elasticsearch\`, or unset ELASTICSEARCH_NODE)`);
  }
}
