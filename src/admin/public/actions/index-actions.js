// What an alias's buttons start: a full rebuild, an adoption, a partial re-index, a rollback.

import { apiPath } from '../api-client.js';
import { ask, confirmAction } from '../dialogs.js';

/** `page`: api, run (an action, then the notice and a refresh) and openJob. */
export function indexActions({ api, run, openJob }) {
  async function rebuild(index) {
    const ok = await confirmAction({
      title: `Full rebuild of ${index.alias}?`,
      message: `Builds a new index of ${index.alias} from MySQL and swaps the alias to it once it is complete and verified. ${index.liveIndex ?? 'The live index'} keeps serving searches until then. If a rebuild is already active, that job is shown instead.`,
      ok: 'Rebuild',
    });
    if (!ok) return;
    await run(() => api('POST', apiPath('indices', index.alias, 'reindex'), { mode: 'full' }), (job) => {
      openJob(job.id);
      return job.created === false ? `A rebuild of ${index.alias} was already active: job #${job.id}.` : `Full rebuild of ${index.alias} started: job #${job.id}.`;
    });
  }

  async function adopt(index) {
    const ok = await confirmAction({
      title: `Adopt ${index.alias}?`,
      message: `${index.alias} is an index the service did not create. Adopting builds ${index.alias} from MySQL; at the swap the old index is write-blocked, copied to ${index.alias}_adopted_<job id> (kept, never deleted by the service) and replaced by the alias in one step. It keeps serving until then.`,
      ok: 'Adopt',
    });
    if (!ok) return;
    await run(() => api('POST', apiPath('indices', index.alias, 'adopt')), (job) => {
      openJob(job.id);
      return `Adoption of ${index.alias}: job #${job.id}.`;
    });
  }

  async function partial(index) {
    const ids = await ask({ title: `Re-index rows of ${index.alias}`, label: 'Row ids, separated by commas or spaces', ok: 'Re-index', inputMode: 'numeric' });
    if (!ids) return;
    const list = ids.split(/[\s,]+/).filter(Boolean).map(Number);
    await run(() => api('POST', apiPath('indices', index.alias, 'reindex'), { mode: 'partial', ids: list }), (job) => `Partial job #${job.id} for ${list.length} ids of ${index.alias}.`);
  }

  async function rollback(index) {
    const ok = await confirmAction({
      title: `Roll ${index.alias} back?`,
      message: `Moves ${index.alias} from ${index.liveIndex} back to the index it served before its last swap (kept by REINDEX_RETAIN_PREVIOUS). The code's definition is then not rebuilt by deploy checks or schedules until a deploy changes it; a manual full rebuild still rebuilds it.`,
      ok: 'Roll back',
    });
    if (ok) await run(() => api('POST', apiPath('indices', index.alias, 'rollback')), (result) => `${index.alias} now serves ${result.toIndex ?? 'the previous index'}.`);
  }

  return { rebuild, adopt, partial, rollback };
}
