import { execFile } from 'node:child_process';
import { connect as connectTcp } from 'node:net';
import { promisify } from 'node:util';
import { connect as amqpConnect } from 'amqplib';
import { ClusterProbe } from '../support/cluster-probe.js';
import { startOpenSearch, stopOpenSearch } from '../support/opensearch-outage.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const MARIADBD = '/usr/sbin/mariadbd';

/**
 * Stops one of the three real services the service depends on, and brings it back.
 * Every outage registers its restore while it lasts, so that an interrupted harness
 * (Ctrl-C) still restores it: the other engineers' test runs share these services.
 */
export interface ServiceOutage {
  readonly service: 'opensearch' | 'mariadb' | 'rabbitmq' | 'the next cluster';
  stop(): Promise<void>;
  start(): Promise<void>;
}

const pendingRestores = new Set<() => Promise<void>>();

/** Stops the service, runs `during`, and always starts it again. */
export async function withOutage(outage: ServiceOutage, during: () => Promise<void>): Promise<void> {
  const restore = () => outage.start();
  pendingRestores.add(restore);
  try {
    await outage.stop();
    await during();
  } finally {
    try {
      await restore();
    } finally {
      pendingRestores.delete(restore);
    }
  }
}

/** Restores every service an outage still holds down (for signal handlers). */
export async function restoreAllServices(): Promise<void> {
  await Promise.allSettled([...pendingRestores].map((restore) => restore()));
}

export function openSearchOutage(node: string): ServiceOutage {
  return { service: 'opensearch', stop: () => stopOpenSearch(node), start: () => startOpenSearch(node) };
}

/**
 * The next cluster of the migration trials that stop it: a second OpenSearch node of its own
 * (scripts/services.sh with SERVICES_INSTANCE=chaos, data under .services/opensearch-chaos),
 * never the shared one at OPENSEARCH_NODE that other test runs use. CHAOS_NEXT_NODE moves it
 * (port 9299 or lower: the runner's limit).
 */
export const DEDICATED_NEXT_NODE = process.env.CHAOS_NEXT_NODE ?? 'http://127.0.0.1:9230';
const DEDICATED_INSTANCE = 'chaos';

export function nextClusterOutage(): ServiceOutage {
  return { service: 'the next cluster', stop: () => stopOpenSearch(DEDICATED_NEXT_NODE, DEDICATED_INSTANCE), start: () => startOpenSearch(DEDICATED_NEXT_NODE, DEDICATED_INSTANCE) };
}

/** Starts the dedicated next cluster (a no-op when it answers); `stopDedicatedNext` always follows, whatever happens. */
export function startDedicatedNext(): Promise<void> {
  return startOpenSearch(DEDICATED_NEXT_NODE, DEDICATED_INSTANCE);
}

export function stopDedicatedNext(): Promise<void> {
  return stopOpenSearch(DEDICATED_NEXT_NODE, DEDICATED_INSTANCE);
}

/** MariaDB as this machine runs it: a mariadbd started by start-stop-daemon (my.cnf names the user). */
export function mariaDbOutage(host = '127.0.0.1', port = 3306): ServiceOutage {
  return {
    service: 'mariadb',
    async stop() {
      await run('start-stop-daemon', ['--stop', '--oknodo', '--retry', 'TERM/30/KILL/5', '--exec', MARIADBD]);
      await waitFor('MariaDB to stop listening', async () => ((await tcpOpen(host, port)) ? undefined : true), 30_000, 200);
    },
    async start() {
      await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', MARIADBD]);
      await waitFor('MariaDB to listen again', async () => ((await tcpOpen(host, port)) ? true : undefined), 120_000, 200);
    },
  };
}

export function rabbitMqOutage(url: string): ServiceOutage {
  return {
    service: 'rabbitmq',
    async stop() {
      await run('rabbitmqctl', ['stop_app'], { timeout: 120_000 });
    },
    async start() {
      await run('rabbitmqctl', ['start_app'], { timeout: 120_000 });
      await waitFor(
        'RabbitMQ to accept connections again',
        async () => {
          const connection = await amqpConnect(url);
          await connection.close();
          return true;
        },
        120_000,
        500,
      );
    },
  };
}

/**
 * What is down among the three services, waiting up to `timeoutMs` for each (one may still be
 * coming back from an outage, the harness's or another test run's); empty when all answer.
 */
export async function unavailableServices(urls: { readonly database: string; readonly rabbitmq: string; readonly opensearch: string }, timeoutMs = 120_000): Promise<string[]> {
  const database = new URL(urls.database);
  const checks: [string, () => Promise<boolean>][] = [
    [`MariaDB at ${database.host}`, () => tcpOpen(database.hostname, Number(database.port || 3306))],
    [`RabbitMQ at ${new URL(urls.rabbitmq).host}`, () => amqpConnect(urls.rabbitmq).then((connection) => connection.close().then(() => true))],
    [`OpenSearch at ${urls.opensearch} (start it with \`npm run services\`)`, () => new ClusterProbe(urls.opensearch).healthy()],
  ];
  const down: string[] = [];
  for (const [name, answers] of checks) {
    const up = await waitFor(name, async () => ((await answers()) ? true : undefined), timeoutMs, 1000).catch(() => false);
    if (!up) down.push(name);
  }
  return down;
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port, timeout: 2000 });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
