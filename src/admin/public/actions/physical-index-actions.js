// What the physical-index panel's Delete… does: deletes an orphan after a confirmation.

import { apiPath } from '../api-client.js';
import { confirmAction } from '../dialogs.js';
import { bytes, number } from '../format.js';
import { deleteKey } from '../views/physical-indices.view.js';

/** `page`: api, run and setBusy; `stale()` has the refresh that follows read the indices again. */
export function physicalIndexActions({ api, run, setBusy }, stale) {
  async function deleteOrphan(cluster, index) {
    const ok = await confirmAction({
      title: `Delete ${index.index}?`,
      message: `${index.index} (${cluster} cluster, ${number(index.documents)} documents, ${bytes(index.sizeBytes)}) is an orphan: ${index.why}. It is deleted for good. The service checks again at the call that no alias serves it, no job builds it and it is not kept for rollback.`,
      ok: 'Delete',
    });
    if (!ok) return;
    const key = deleteKey(cluster, index);
    setBusy(key, 'Deleting…');
    const deleted = async () => {
      const result = await api('DELETE', `${apiPath('physical-indices', index.index)}?cluster=${cluster}`);
      // Once it is gone: a refresh already under way then reads the indices again too.
      stale();
      return result;
    };
    await run(deleted, (result) => (result.outcome === 'deleted' ? `Deleted ${index.index} (${cluster} cluster).` : `${index.index} was already gone.`));
    setBusy(key);
  }

  return { deleteOrphan };
}
