import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { Client } from '@opensearch-project/opensearch';
import { createConnection } from 'mariadb';
import { startApp } from '../../src/create-app.js';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import { buildClientOptions } from '../../src/opensearch/opensearch-client.factory.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { SourceFactory } from '../support/factories.js';
import { seedDemoData } from '../support/seed.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

/**
 * A TLS endpoint in front of a plain service, as a managed OpenSearch or an amqps broker
 * presents itself: it terminates TLS with `certificate` and pipes the bytes through.
 */
class TlsFront {
  connections = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async open(target: URL, key: Buffer, certificate: Buffer): Promise<TlsFront> {
    const server = createTlsServer({ key, cert: certificate });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const front = new TlsFront(server, (server.address() as AddressInfo).port);
    server.on('secureConnection', (client) => {
      front.connections++;
      const upstream = connectTcp(Number(target.port), target.hostname);
      for (const socket of [client, upstream]) {
        front.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => front.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    return front;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * TLS as production clusters use it, on this machine's real services: OpenSearch over https and
 * RabbitMQ over amqps, each behind a certificate no system CA signed, trusted through
 * OPENSEARCH_CA_FILE and RABBITMQ_CA_FILE; MySQL's TLS parameters reach the driver.
 */
describe('TLS to OpenSearch, RabbitMQ and MySQL', () => {
  let context: TestContext;
  let folder: string;
  let certificateFile: string;
  let opensearch: TlsFront;
  let rabbitmq: TlsFront;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    context = await TestContext.create('tls');
    await seedDemoData(context.databaseUrl, 300, 3);
    folder = await mkdtemp(join(tmpdir(), 'reindexer-tls-'));
    certificateFile = join(folder, 'certificate.pem');
    const keyFile = join(folder, 'key.pem');
    // Self-signed, for the address the service dials: its own CA.
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certificateFile]);
    const [key, certificate] = await Promise.all([readFile(keyFile), readFile(certificateFile)]);
    opensearch = await TlsFront.open(new URL(context.opensearchNode), key, certificate);
    rabbitmq = await TlsFront.open(new URL(context.rabbitmqUrl), key, certificate);
  });
  afterAll(async () => {
    await app?.close();
    await opensearch?.close();
    await rabbitmq?.close();
    await context?.dispose();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('builds the indices over https and applies a live change over amqps, trusting only the CA files', async () => {
    const config = context.config({
      LOG_LEVEL: 'error',
      OPENSEARCH_NODE: `https://127.0.0.1:${opensearch.port}`,
      OPENSEARCH_CA_FILE: certificateFile,
      RABBITMQ_URL: `amqps://guest:guest@127.0.0.1:${rabbitmq.port}`,
      RABBITMQ_CA_FILE: certificateFile,
    });
    app = await startApp(config);
    await firstBuildsCompleted(app);
    const factory = SourceFactory.connect(context.databaseUrl);
    try {
      const [event] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT 1");
      await factory.updateEvent(event.id, { title: 'Sent over amqps' });
      await app.get(ChangePublisher).publish({ entity: 'event', id: String(event.id), op: 'upsert' });
      const events = `${context.indexPrefix}events`;
      await waitFor('the change in the index', async () => {
        const response = await fetch(`${context.opensearchNode}/${events}/_doc/${event.id}`);
        const body = (await response.json()) as { _source?: { title?: string } };
        return body._source?.title === 'Sent over amqps' ? true : undefined;
      });
    } finally {
      await factory.close();
    }
    expect(await app.get(SearchGateway).getAliasTargets(`${context.indexPrefix}events`)).toHaveLength(1);
    // Every request and both connections went through the TLS fronts.
    expect(opensearch.connections).toBeGreaterThan(0);
    expect(rabbitmq.connections).toBeGreaterThanOrEqual(2);
  });

  it('refuses the same endpoint without the CA file: the certificate is not trusted by default', async () => {
    const client = new Client(buildClientOptions({ node: `https://127.0.0.1:${opensearch.port}` }));
    await expect(client.info()).rejects.toThrow(/self[- ]signed certificate/i);
    await client.close();
  });

  it("hands MySQL's TLS parameters to the driver: a server without TLS is refused, not talked to in clear", async () => {
    const [{ Value: haveSsl }] = await context.sql<{ Value: string }>("SHOW VARIABLES LIKE 'have_ssl'");
    const url = `${context.databaseUrl}?sslaccept=strict&sslcert=${encodeURIComponent(certificateFile)}`;
    if (haveSsl === 'YES') {
      // A server with TLS presents a certificate this test's CA did not sign.
      await expect(createConnection(poolConfigFromUrl(url))).rejects.toThrow(/certificate|self[- ]signed/i);
    } else {
      await expect(createConnection(poolConfigFromUrl(url))).rejects.toThrow(/ssl|tls/i);
    }
  });
});
