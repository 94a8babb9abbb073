// Checks an operator asks for: verify and sync (jobs, opened below the tables), and a comparison on both clusters read at once.

import { apiPath } from '../api-client.js';
import { ask } from '../dialogs.js';
import { showError, showNotice } from '../dom.js';
import { showComparison } from '../panels.js';
import { checkStarted } from '../views/report.view.js';

/** `page`: api, run, openJob and setBusy (a button's working label, kept across refreshes). */
export function reportActions({ api, run, openJob, setBusy }) {
  /** A verify or a sync (`kind`) as a job: its panel opens and follows it to its report. */
  async function check(alias, kind) {
    const key = `${kind}:${alias}`;
    setBusy(key, kind === 'verify' ? 'Verifying…' : 'Syncing…');
    try {
      await run(async () => {
        const job = await api('POST', apiPath('indices', alias, kind));
        openJob(job.id);
        return job;
      }, (job) => checkStarted(kind, alias, job));
    } finally {
      setBusy(key, null);
    }
  }

  async function compareClusters(alias) {
    const answer = await ask({ title: `Compare ${alias} on both clusters`, label: 'Queries to sample from the current cluster, 1 to 100 (empty: the default, 20)', ok: 'Compare', inputMode: 'numeric' });
    if (answer === null) return;
    if (answer && !/^\d+$/.test(answer)) {
      showError(`Queries to sample: a whole number, not "${answer}".`);
      return;
    }
    const key = `compare-clusters:${alias}`;
    setBusy(key, 'Comparing…');
    try {
      showComparison(await api('POST', apiPath('indices', alias, 'compare'), answer ? { sampleSize: Number(answer) } : {}));
      showNotice(`Comparison of ${alias} on both clusters done.`);
    } catch (error) {
      showError(error.message);
    } finally {
      setBusy(key, null);
    }
  }

  return { verify: (alias) => check(alias, 'verify'), sync: (alias) => check(alias, 'sync'), compareClusters };
}
