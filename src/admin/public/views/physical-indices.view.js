// The physical-index panel: every index the service created, on each cluster, with what keeps it; Delete… for an orphan.

import { button, h } from '../elements.js';
import { bytes, dateTime, number } from '../format.js';

/** The key of an orphan's Delete… button. */
export const deleteKey = (cluster, index) => `delete-index:${cluster}:${index.index}`;

function indexRow(cluster, index, actions, busy) {
  return h(
    'tr',
    null,
    h('th', { scope: 'row' }, h('code', null, index.index)),
    h('td', null, cluster),
    h('td', null, index.alias === null ? '—' : h('code', null, index.alias)),
    h('td', null, h('span', { class: `role ${index.role}` }, index.role), h('br'), h('small', null, index.why)),
    h('td', { class: 'number' }, number(index.documents)),
    h('td', { class: 'number' }, bytes(index.sizeBytes)),
    h('td', { class: index.open ? `health-${index.health}` : 'health-red' }, index.open ? (index.health ?? '—') : 'closed'),
    h('td', null, dateTime(index.createdAt)),
    h('td', null, index.role === 'orphan' && button('Delete…', deleteKey(cluster, index), () => actions.deleteOrphan(cluster, index), { busy, className: 'danger', changes: true })),
  );
}

/** The rows of #physical-indices from GET /physical-indices; a cluster that did not answer is one row saying why. */
export function physicalIndicesView(clusters, actions, busy) {
  return clusters.flatMap((cluster) =>
    cluster.error === null
      ? cluster.indices.map((index) => indexRow(cluster.cluster, index, actions, busy))
      : [h('tr', null, h('th', { scope: 'row' }, '—'), h('td', null, cluster.cluster), h('td', { colspan: 7, class: 'unreachable' }, `Not read: ${cluster.error}`))],
  );
}

/** The line below the table. */
export function physicalIndicesNote(clusters) {
  const indices = clusters.flatMap((cluster) => cluster.indices);
  const orphans = indices.filter((index) => index.role === 'orphan').length;
  const listed = `${number(indices.length)} ${indices.length === 1 ? 'index' : 'indices'} of the service's on ${clusters.map((cluster) => cluster.cluster).join(' and ')}`;
  return `${listed}; ${orphans === 0 ? 'no orphans' : `${number(orphans)} ${orphans === 1 ? 'orphan' : 'orphans'}, which nothing keeps`}. Indices of other applications are not listed, and the service never deletes them.`;
}
