import type { AppConfig } from '../../config/index.js';
import type { Job, JobStore, Transition } from '../../job-store/index.js';
import { Metrics } from '../../metrics/index.js';
import type { IndexLifecycle } from '../lifecycle/index-lifecycle.service.js';
import { JobEndings } from './job-endings.service.js';

const config = { instanceId: 'me' } as unknown as AppConfig;

/** Records what the store and the lifecycle were asked, in order. */
function harness(removal: () => Promise<void> = () => Promise.resolve()) {
  const calls: string[] = [];
  const store = {
    transition: (id: number, transition: Transition, _instance: string, leaseToken?: string) => {
      calls.push(`transition ${id} ${transition.to.status} ${transition.patch?.lastError ?? ''} ${leaseToken ?? 'unfenced'}`);
      return Promise.resolve({ id, kind: 'FULL', status: transition.to.status, phase: transition.to.phase } as Job);
    },
  } as unknown as JobStore;
  const lifecycle = {
    removeTargetOfEndedJob: (job: Job) => {
      calls.push(`remove target of ${job.id} (${job.status})`);
      return removal();
    },
  } as unknown as IndexLifecycle;
  const metrics = new Metrics();
  return { endings: new JobEndings(store, lifecycle, config, metrics), calls, metrics };
}

const running = (phase: Job['phase']) => ({ id: 7, alias: 'events', kind: 'FULL', status: 'RUNNING', phase }) as Job;

describe('JobEndings', () => {
  it('fails a job before its swap, then removes its target, fenced by the claim that gave up', async () => {
    const { endings, calls } = harness();
    await endings.giveUp(running('BACKFILL'), { action: 'fail', reason: 'broken' }, 'token');
    expect(calls).toEqual(['transition 7 FAILED broken token', 'remove target of 7 (FAILED)']);
  });

  it('counts a job that ended FAILED in reindexer_jobs_failed_total, not one that ended COMPLETED', async () => {
    const { endings, metrics } = harness();
    await endings.giveUp(running('BACKFILL'), { action: 'fail', reason: 'broken' });
    await endings.giveUp({ ...running('CLEANUP'), status: 'PAUSED' }, { action: 'end-without-cleanup', reason: 'cleanup keeps failing' });
    expect(await metrics.registry.getSingleMetricAsString('reindexer_jobs_failed_total')).toContain('reindexer_jobs_failed_total{alias="events"} 1');
  });

  it('ends a swapped job COMPLETED without its cleanup', async () => {
    const { endings, calls } = harness();
    await endings.giveUp({ ...running('CLEANUP'), status: 'PAUSED' }, { action: 'end-without-cleanup', reason: 'cleanup keeps failing' });
    expect(calls[0]).toBe('transition 7 COMPLETED cleanup keeps failing unfenced');
  });

  it('a failed removal after giving up is thrown to the caller, the ending stays recorded', async () => {
    const { endings, calls } = harness(() => Promise.reject(new Error('OpenSearch down')));
    await expect(endings.giveUp(running('VERIFY'), { action: 'fail', reason: 'broken' })).rejects.toThrow('OpenSearch down');
    expect(calls[0]).toMatch(/^transition 7 FAILED/);
  });

  it('after a cancel, a removal that fails is left to the recovery sweep', async () => {
    const { endings, calls } = harness(() => Promise.reject(new Error('OpenSearch down')));
    await endings.afterCancel({ ...running('BACKFILL'), status: 'CANCELLED' });
    expect(calls).toEqual(['remove target of 7 (CANCELLED)']);
  });
});
