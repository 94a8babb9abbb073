// The clusters panel: the cluster search is served from and, during a move, the next one.

import { h } from '../elements.js';
import { engineName } from '../format.js';

/** The rows of #clusters: role, host and its variables, engine, cluster UUID, whether it answers. */
export function clustersView(clusters) {
  return clusters.map((cluster) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, cluster.role),
      h('td', null, h('code', null, cluster.node), ' ', h('small', null, `${cluster.variables ?? ''}_*`)),
      h('td', null, cluster.info ? engineName(cluster.info) : '—'),
      h('td', null, h('code', null, cluster.info?.clusterUuid ?? '—')),
      h('td', { class: cluster.reachable ? 'reachable' : 'unreachable' }, cluster.reachable ? 'reachable' : `unreachable: ${cluster.error ?? ''}`),
    ),
  );
}

/**
 * What GET /clusters says, as the panel shows it: `hasNext`, the problems to list and the note.
 * Without a next cluster the one problem is that there is none: the note says how to add one instead.
 */
export function clustersSummary(report) {
  const hasNext = report.clusters.some((cluster) => cluster.role === 'next');
  const problems = hasNext ? report.problems : [];
  const note = !hasNext
    ? 'No next cluster. To compare searches with the cluster search moves to, set OPENSEARCH_NEXT_NODE (and its OPENSEARCH_NEXT_* credentials) and restart the service.'
    : problems.length === 0
      ? 'Both clusters answer and are two different clusters: nothing stands in the way of moving search.'
      : '';
  return { hasNext, problems, note, items: problems.map((problem) => h('li', null, problem)) };
}
