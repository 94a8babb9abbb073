// The steps of moving an alias to the next cluster: migrate, move reads, complete, retire, abort.
// Each takes the page (api, run, openJob, setBusy, clusters: GET /clusters' rows as last read).

import { apiPath } from '../api-client.js';
import { ask, confirmAction } from '../dialogs.js';
import { showError } from '../dom.js';
import { clusterName, describedCluster, number } from '../format.js';

const ends = (page, migration) => [clusterName(page.clusters(), migration.fromClusterUuid), clusterName(page.clusters(), migration.toClusterUuid)];

/** A migration step: confirmed first, then sent with its button busy until the answer is in. */
async function step({ run, setBusy }, key, busy, question, request, done) {
  if (!(await confirmAction(question))) return;
  setBusy(key, busy);
  try {
    await run(request, done);
  } finally {
    setBusy(key, null);
  }
}

function migrate(page, { alias }) {
  const next = page.clusters().find((cluster) => cluster.role === 'next' && cluster.info);
  return step(
    page,
    `migrate:${alias}`,
    'Starting…',
    {
      title: `Migrate ${alias} to the next cluster?`,
      message: `Builds ${alias} on ${next ? describedCluster(next) : 'the next cluster'} from MySQL, like a full rebuild, while every live change is written to both clusters. Searches stay where they are until you move reads or complete the migration; Abort migration goes back at any point before retirement.`,
      ok: 'Migrate',
    },
    () => page.api('POST', apiPath('indices', alias, 'migrate')),
    ({ migration, job }) => {
      page.openJob(job.id);
      return `Migration of ${alias} to ${clusterName(page.clusters(), migration.toClusterUuid)} started: job #${job.id} builds it there.`;
    },
  );
}

async function moveReads(page, { alias, migration }) {
  const named = (uuid) => clusterName(page.clusters(), uuid);
  const answer = await ask({
    title: `Reads of ${alias}`,
    label: `Percentage of searches applications send to ${named(migration.toClusterUuid)}, 0 to 100`,
    ok: 'Move reads',
    value: String(migration.readsNextPercent),
    inputMode: 'numeric',
  });
  if (!answer) return;
  if (!/^\d+$/.test(answer)) {
    showError(`Percentage of searches: a whole number, not "${answer}".`);
    return;
  }
  await page.run(() => page.api('PUT', apiPath('indices', alias, 'reads'), { next: Number(answer) }), (reads) =>
    `Searches of ${alias}: ${reads.clusters.map((cluster) => `${number(cluster.share)} % to ${named(cluster.clusterUuid)}`).join(', ')}.`,
  );
}

function completeMigration(page, { alias, migration }) {
  const [from, to] = ends(page, migration);
  return step(
    page,
    `complete:${alias}`,
    'Completing…',
    {
      title: `Complete the migration of ${alias}?`,
      message: `Cuts over: every search and every write of ${alias} goes to ${to} alone. The index on ${from} is kept, no longer written, until you retire it; until then Abort migration still goes back to it, re-synced from MySQL.`,
      ok: 'Complete',
    },
    () => page.api('POST', apiPath('indices', alias, 'migration', 'complete')),
    () => `${alias} cut over: ${to} takes its searches and writes.`,
  );
}

function retire(page, { alias, migration }) {
  const [from, to] = ends(page, migration);
  return step(
    page,
    `retire:${alias}`,
    'Retiring…',
    {
      title: `Retire ${alias} on ${from}?`,
      message: `Deletes every index of ${alias} on ${from}, the one it served and those kept for rollback, and ends the migration: ${to} serves ${alias} alone. The service does it in the background (RETIRING), once applications had time to leave ${from} and no mirrored write is left to replay. No abort after this.`,
      ok: 'Retire',
    },
    () => page.api('POST', apiPath('indices', alias, 'migration', 'retire')),
    () => `${alias} is RETIRING: its indices on ${from} are deleted in the background, then ${to} serves it alone.`,
  );
}

function abortMigration(page, { alias, migration }) {
  const [from, to] = ends(page, migration);
  const cutOver = migration.state === 'CUT_OVER';
  return step(
    page,
    `abort-migration:${alias}`,
    'Aborting…',
    {
      title: `Abort the migration of ${alias}?`,
      message: `Sends every search and write of ${alias} back to ${from} alone; the build job is cancelled and, once applications had time to leave ${to}, the index it built there is deleted. ${cutOver ? `The index on ${from} missed the writes since the cutover: it is re-synced from MySQL.` : `${from} is not touched.`} The service does this in the background (ABORTING).`,
      ok: 'Abort migration',
    },
    () => page.api('POST', apiPath('indices', alias, 'migration', 'abort')),
    () => `Migration of ${alias} is ABORTING: ${from} takes its searches and writes again${cutOver ? ', re-synced from MySQL in the background' : ''}.`,
  );
}

/** The migration buttons' actions, each taking the index row. */
export function migrationActions(page) {
  const bound = (action) => (index) => action(page, index);
  return { migrate: bound(migrate), moveReads: bound(moveReads), completeMigration: bound(completeMigration), retire: bound(retire), abortMigration: bound(abortMigration) };
}
