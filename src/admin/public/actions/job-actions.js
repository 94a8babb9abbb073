// What a job's buttons do: pause, resume, approve and cancel (both confirmed) and set its pace.

import { apiPath } from '../api-client.js';
import { ask, confirmAction } from '../dialogs.js';

/** `page`: api and run. */
export function jobActions({ api, run }) {
  const pause = (job) => run(() => api('POST', apiPath('jobs', job.id, 'pause')), `Job #${job.id} paused.`);
  const resume = (job) => run(() => api('POST', apiPath('jobs', job.id, 'resume')), `Job #${job.id} resumed.`);

  async function cancel(job) {
    const ok = await confirmAction({
      title: `Cancel job #${job.id}?`,
      message:
        job.kind === 'FULL'
          ? `Stops the rebuild of ${job.alias} at once and removes the index it was building${job.targetIndex ? ` (${job.targetIndex})` : ''}. The alias stays where it is. A cancelled job cannot be resumed.`
          : `Stops the partial re-index of ${job.alias}; ids already written stay written. A cancelled job cannot be resumed.`,
      ok: 'Cancel job',
    });
    if (ok) await run(() => api('POST', apiPath('jobs', job.id, 'cancel')), `Job #${job.id} cancelled.`);
  }

  async function approve(job) {
    const ok = await confirmAction({
      title: `Approve job #${job.id}?`,
      message: `The relevance gate stopped it: ${job.lastError ?? 'its candidate searches worse than the live index'}. Approving records your token's name and swaps ${job.targetIndex ?? 'the candidate'} in for ${job.alias}. Open the job to see each failing query's two top 10s.`,
      ok: 'Approve and swap',
    });
    if (ok) await run(() => api('POST', apiPath('jobs', job.id, 'approve')), `Job #${job.id} approved: it swaps once its check runs again.`);
  }

  async function rethrottle(job) {
    const rate = await ask({
      title: `Pace of job #${job.id}`,
      label: "Backfill documents per second (0 = unlimited, 'auto' = the service's pace)",
      ok: 'Set pace',
      value: job.maxDocsPerSecondSetBy === 'operator' ? String(job.maxDocsPerSecond) : 'auto',
    });
    if (!rate) return;
    const auto = rate.trim().toLowerCase() === 'auto';
    await run(
      () => api('PATCH', apiPath('jobs', job.id), { maxDocsPerSecond: auto ? null : Number(rate) }),
      auto ? `Job #${job.id} back on the service's pace.` : `Job #${job.id} paced at ${rate === '0' ? 'unlimited' : `${rate} docs/s`}.`,
    );
  }

  return { pause, resume, approve, cancel, rethrottle };
}
