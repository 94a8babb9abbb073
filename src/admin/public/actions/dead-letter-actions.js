// What the dead-letter panel's buttons do: requeue one, requeue or purge those of a filter (confirmed).

import { apiPath } from '../api-client.js';
import { confirmAction } from '../dialogs.js';
import { $, showError } from '../dom.js';
import { deadLetterFilter, filterText } from '../views/dead-letters.view.js';

/** The query string of a filter: the audit trail records it with the path. */
const query = (filter) => `?${Object.entries(filter).map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&')}`;

/** `page`: api, run and setBusy; `stale()` has the refresh that follows an action read the dead letters again. */
export function deadLetterActions({ api, run, setBusy }, stale) {
  async function requeueOne(letter) {
    const key = `requeue:${letter.key}:${letter.position}`;
    setBusy(key, 'Requeuing…');
    stale();
    await run(() => api('POST', apiPath('dead-letters', letter.key, 'requeue')), `Requeued ${letter.entity} ${letter.id} (${letter.op}) to the live queue.`);
    setBusy(key);
  }

  /** The filter of the form, or null (and says so) when it names nothing. */
  function entered() {
    const filter = deadLetterFilter($('dead-letter-entity').value, $('dead-letter-reason').value);
    if (!filter) showError('Name the dead letters first: an entity, a reason, or both.');
    return filter;
  }

  /** Asks for confirmation, then runs the filtered request; `said(result, filter)` is the notice. */
  async function settleMatching({ title, message, ok, method, path, said }) {
    const filter = entered();
    if (!filter || !(await confirmAction({ title: `${title} ${filterText(filter)}?`, message, ok }))) return;
    stale();
    await run(() => api(method, `${path}${query(filter)}`), (result) => said(result, filterText(filter)));
  }

  const requeueMatching = () =>
    settleMatching({
      title: 'Requeue the dead letters with',
      message: 'Each goes back to the live queue and is applied again, starting at attempt 1; its dead letter is removed once RabbitMQ confirmed the copy. Bodies that are no valid change stay (purge them).',
      ok: 'Requeue',
      method: 'POST',
      path: '/dead-letters/requeue',
      said: (result, named) =>
        `Requeued ${result.requeued} of ${result.matched} dead letters with ${named}${result.skipped ? `; ${result.skipped} are no valid change and stay` : ''}${result.failed ? `; ${result.failed} not confirmed, still there` : ''}.`,
    });

  const purgeMatching = () =>
    settleMatching({
      title: 'Purge the dead letters with',
      message: 'They are removed from the dead-letter queue for good; their changes are not applied. Every other dead letter stays. Sync an index (POST /indices/:alias/sync) to repair what they missed.',
      ok: 'Purge',
      method: 'DELETE',
      path: '/dead-letters',
      said: (result, named) => `Purged ${result.purged} dead letters with ${named}.`,
    });

  return { requeueOne, requeueMatching, purgeMatching };
}
