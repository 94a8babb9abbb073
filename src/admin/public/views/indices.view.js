// The indices table: one row per alias, with where it is served from, its drift and its buttons.

import { button, h } from '../elements.js';
import { clusterName, number, scheduleSummary } from '../format.js';

/** Migration states an abort may still be asked in (ABORTING and RETIRING are driven to their end by the service). */
const ABORTABLE = ['BUILDING', 'MIRRORING', 'CUT_OVER'];

/** What each migration state is doing, between which clusters. */
const DOING = {
  BUILDING: (to) => `building on ${to}`,
  MIRRORING: (to) => `mirroring to ${to}`,
  CUT_OVER: (_to, from) => `cut over; old index kept on ${from}`,
  ABORTING: (_to, from) => `going back to ${from}`,
  RETIRING: (_to, from) => `deleting the old index on ${from}`,
};

/** The cluster the alias is served from, then what its migration is doing and the share of reads it sends to the next cluster. */
export function clusterCell(index, clusters) {
  const { cluster, migration } = index;
  const served = cluster ? clusterName(clusters, cluster) : '—';
  if (!migration) return [served];
  const doing = DOING[migration.state]?.(clusterName(clusters, migration.toClusterUuid), clusterName(clusters, migration.fromClusterUuid)) ?? '';
  const waiting = migration.waitingFor ? `; waiting for ${migration.waitingFor}` : '';
  return [
    served,
    h('br'),
    h('span', { class: migration.state }, migration.state),
    ' ',
    h('small', null, `${doing}; reads to next: ${number(migration.readsNextPercent)} %${waiting}`),
  ];
}

/** The migration steps the row's state allows, in the order an operator takes them; a migration starts from the current cluster only. */
export function migrationButtons(index, { busy, hasNext, clusters }, actions) {
  const { alias, migration } = index;
  const step = (label, key, action) => button(label, `${key}:${alias}`, () => action(index), { busy, changes: true });
  if (!migration) {
    const current = clusters.find((cluster) => cluster.role === 'current')?.info?.clusterUuid;
    return hasNext && index.cluster === current ? [step('Migrate…', 'migrate', actions.migrate)] : [];
  }
  return [
    ...(migration.state === 'MIRRORING' ? [step('Reads to next…', 'reads', actions.moveReads), step('Complete…', 'complete', actions.completeMigration)] : []),
    ...(migration.state === 'CUT_OVER' ? [step('Retire…', 'retire', actions.retire)] : []),
    ...(ABORTABLE.includes(migration.state) ? [step('Abort migration…', 'abort-migration', actions.abortMigration)] : []),
  ];
}

function indexButtons(index, context, actions) {
  const { alias } = index;
  const { busy } = context;
  // Verify reads and Schedule… opens a form; every other button asks for a change.
  const act = (label, key, action, changes = true) => button(label, `${key}:${alias}`, action, { busy, changes });
  return [
    index.drift === 'legacy' ? act('Adopt…', 'adopt', () => actions.adopt(index)) : act('Full rebuild…', 'rebuild', () => actions.rebuild(index)),
    act('Partial…', 'partial', () => actions.partial(index)),
    act('Verify', 'verify', () => actions.verify(alias), false),
    act('Sync', 'sync', () => actions.sync(alias)),
    act('Schedule…', 'schedule', () => actions.openSchedule(alias), false),
    act('Roll back…', 'rollback', () => actions.rollback(index)),
    context.hasNext && act('Compare clusters…', 'compare-clusters', () => actions.compareClusters(alias)),
    migrationButtons(index, context, actions),
  ];
}

/**
 * The rows of #indices. `context`: `busy` (button key → label while it works), `hasNext` (a next
 * cluster is configured) and `clusters` (GET /clusters' rows); `actions` holds what the buttons do.
 */
export function indicesView(indices, context, actions) {
  return indices.map((index) => {
    const job = index.activeJob;
    return h(
      'tr',
      null,
      h('th', { scope: 'row' }, h('code', null, index.alias)),
      h('td', null, h('code', null, index.liveIndex ?? '—')),
      h('td', null, clusterCell(index, context.clusters)),
      h('td', { class: index.drift }, index.drift, index.rollback && [h('br'), h('small', null, 'rolled back from ', h('code', null, index.rollback.fromIndex))]),
      h('td', { class: 'number' }, number(index.documents)),
      h('td', null, job && button(`#${job.id} ${job.phase ?? job.status}`, `index-job:${index.alias}`, () => actions.openJob(job.id), { className: 'link', busy: context.busy })),
      h('td', null, scheduleSummary(index.schedule)),
      h('td', null, indexButtons(index, context, actions)),
    );
  });
}
