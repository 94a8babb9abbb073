import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ClusterConnection } from '../config/index.js';
import type { SearchProbe } from './search-gateway.js';
import type { SearchProbeReport, SearchProbeTask } from './search-probe.worker.js';

/** Runs the search probe on a thread of its own, with its own connection; `take` hands over what it measured since the last take. */
export function startSearchProbeThread(connection: ClusterConnection, alias: string, body: Record<string, unknown>, intervalMs: number): SearchProbe {
  const { node, username, password, awsRegion, ca } = connection;
  const task: SearchProbeTask = { connection: { node, username, password, awsRegion, ca }, alias, body, intervalMs };
  // The worker file as this one is: .js once built, the .ts source under ts-jest.
  const worker = new Worker(new URL(`./search-probe.worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url), { workerData: task });
  let latenciesMs: number[] = [];
  let failed = 0;
  worker.on('message', (report: SearchProbeReport) => {
    latenciesMs.push(...report.latenciesMs);
    failed += report.failed;
  });
  // A probe that cannot run (the thread died) reports nothing; pacing then sees no probes and holds its rate.
  worker.on('error', () => undefined);
  return {
    take: () => {
      const taken = { latenciesMs, failed };
      latenciesMs = [];
      failed = 0;
      return taken;
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}
