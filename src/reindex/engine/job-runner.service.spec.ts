import type { AppConfig } from '../../config/index.js';
import type { DefinitionDeployments } from '../../indexing/index.js';
import type { Job, JobStore } from '../../job-store/index.js';
import type { SearchClusters } from '../../opensearch/index.js';
import type { JobExecutor } from './job-executor.service.js';
import { JobReleasedError } from './job-released.error.js';
import { JobRunner } from './job-runner.service.js';

const config = { instanceId: 'me', reindex: { maxConcurrentJobs: 2, leaseMs: 30_000 } } as unknown as AppConfig;
const deployments = { ownHashes: () => ['h'] } as unknown as DefinitionDeployments;
const job = (id: number) => ({ id, status: 'RUNNING', leaseToken: `token-${id}` }) as unknown as Job;

/** A claim queue the test feeds by hand, and an executor whose attempts run until aborted. */
function harness() {
  const claims: ((job: Job | null) => void)[] = [];
  const store = { claimNextJob: () => new Promise<Job | null>((resolve) => claims.push(resolve)) } as unknown as JobStore;
  const events: string[] = [];
  const executor = {
    execute: async (claimed: Job, abort: AbortController) => {
      events.push(`start ${claimed.leaseToken}`);
      if (!abort.signal.aborted) await new Promise((resolve) => abort.signal.addEventListener('abort', resolve));
      // Handing back takes a moment: MySQL must still be open for it.
      await new Promise((resolve) => setTimeout(resolve, 20));
      events.push(`stop ${claimed.leaseToken} (${(abort.signal.reason as JobReleasedError).message})`);
      return null;
    },
  } as unknown as JobExecutor;
  const runner = new JobRunner(config, store, executor, deployments, { knownUuids: () => [] } as unknown as SearchClusters);
  const nextClaim = async () => {
    while (claims.length === 0) await new Promise((resolve) => setImmediate(resolve));
    return claims.shift()!;
  };
  return { runner, events, nextClaim };
}

describe('JobRunner', () => {
  it('shutdown waits for the attempt that a claim in flight started, which hands its job straight back', async () => {
    const { runner, events, nextClaim } = harness();
    runner.wake();
    const claim = await nextClaim();

    let stopped = false;
    const shutdown = runner.beforeApplicationShutdown().then(() => (stopped = true));
    // The claim commits after shutdown began: its job must not run on after the pools close.
    claim(job(7));
    await shutdown;

    expect(stopped).toBe(true);
    expect(events).toEqual(['start token-7', 'stop token-7 (instance shutting down)']);
  });

  it('runs a newer claim of a job only after this replica\'s older attempt of it stopped', async () => {
    const { runner, events, nextClaim } = harness();
    runner.wake();
    (await nextClaim())(job(3));
    // Paused and resumed at once: the same job claimed again under a new token.
    (await nextClaim())({ ...job(3), leaseToken: 'token-3b' });
    const idle = await nextClaim();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(events).toEqual(['start token-3', 'stop token-3 (a newer claim of the job took over)', 'start token-3b']);
    idle(null);
    await runner.beforeApplicationShutdown();
  });
});
