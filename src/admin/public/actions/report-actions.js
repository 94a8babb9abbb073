// Checks an operator asks for and reads at once: verify, sync, and a comparison on both clusters.

import { apiPath } from '../api-client.js';
import { ask } from '../dialogs.js';
import { showError, showNotice } from '../dom.js';
import { showComparison, showReport } from '../panels.js';
import { reportDone } from '../views/report.view.js';

/** `page`: api and setBusy (a button's working label, kept across refreshes). */
export function reportActions({ api, setBusy }) {
  /** A verify or a sync (`kind`), its button busy until the report is in. */
  async function check(alias, kind) {
    const key = `${kind}:${alias}`;
    setBusy(key, kind === 'verify' ? 'Verifying…' : 'Syncing…');
    try {
      const report = kind === 'verify' ? await api('GET', apiPath('indices', alias, 'verify')) : await api('POST', apiPath('indices', alias, 'sync'));
      showReport(kind, report);
      showNotice(reportDone(kind, alias));
    } catch (error) {
      // A sync that could not restore everything still reports what it did.
      if (error.payload?.code === 'SYNC_INCOMPLETE') showReport(kind, error.payload);
      showError(error.message);
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
