import { extname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from '@opensearch-project/opensearch';
import type { ClientConnection } from './opensearch-client-options.js';

/**
 * A search probe's own thread: one search at a time through the alias, one every `intervalMs`,
 * timed here rather than on the main thread, whose event loop a backfill keeps busy (building bulk
 * bodies, decoding rows): timed there, a probe measured the service's own stalls as search latency.
 */
export interface SearchProbeTask {
  readonly connection: ClientConnection;
  readonly alias: string;
  readonly body: Record<string, unknown>;
  readonly intervalMs: number;
}

/** Posted every REPORT_EVERY_MS: the round trips of the answered probes since the last report, and how many failed. */
export interface SearchProbeReport {
  readonly latenciesMs: number[];
  readonly failed: number;
}

const REPORT_EVERY_MS = 250;
const PROBE_TIMEOUT_MS = 5_000;

// Loaded by path as what this file is: the .js once built, the .ts source under ts-jest.
const { clientOptionsOf } = (await import(new URL(`./opensearch-client-options${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href)) as typeof import('./opensearch-client-options.js');

const task = workerData as SearchProbeTask;
const client = new Client(clientOptionsOf(task.connection, { requestTimeout: PROBE_TIMEOUT_MS, maxRetries: 0 }));
let latenciesMs: number[] = [];
let failed = 0;
setInterval(() => {
  parentPort?.postMessage({ latenciesMs, failed } satisfies SearchProbeReport);
  latenciesMs = [];
  failed = 0;
}, REPORT_EVERY_MS);
for (;;) {
  const started = performance.now();
  try {
    await client.search({ index: task.alias, body: task.body });
    latenciesMs.push(performance.now() - started);
  } catch {
    failed++;
  }
  const wait = task.intervalMs - (performance.now() - started);
  if (wait > 0) await sleep(wait);
}
