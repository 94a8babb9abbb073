import { byTag, cellTexts, textOf } from '../element-queries.js';
import { clustersSummary, clustersView, type Cluster } from './clusters.view.js';

const current: Cluster = { role: 'current', node: 'http://127.0.0.1:9200', variables: 'OPENSEARCH', reachable: true, info: { engine: 'elasticsearch', version: '7.10.2', clusterUuid: 'uuid-es' } };
const next: Cluster = { role: 'next', node: 'http://127.0.0.1:9201', variables: 'OPENSEARCH_NEXT', reachable: false, error: 'connect ECONNREFUSED', info: null };

describe('clustersView', () => {
  it('shows each cluster as the clusters table reads it: role, host and variables, engine, UUID, whether it answers', () => {
    const rows = clustersView([current, next]);

    expect(rows.map(cellTexts)).toEqual([
      ['current', 'http://127.0.0.1:9200 OPENSEARCH_*', 'Elasticsearch 7.10.2', 'uuid-es', 'reachable'],
      ['next', 'http://127.0.0.1:9201 OPENSEARCH_NEXT_*', '—', '—', 'unreachable: connect ECONNREFUSED'],
    ]);
    expect(rows.map((row) => byTag(row, 'td')[3].attrs)).toEqual([{ class: 'reachable' }, { class: 'unreachable' }]);
  });

  it('says how to add a next cluster instead of listing that there is none', () => {
    const summary = clustersSummary({ clusters: [current], problems: ['no next cluster'] });

    expect(summary).toMatchObject({ hasNext: false, problems: [], items: [] });
    expect(summary.note).toMatch(/^No next cluster\. .*set OPENSEARCH_NEXT_NODE/);
  });

  it('lists the problems in the way of moving search, and says when there are none', () => {
    const withProblem = clustersSummary({ clusters: [current, next], problems: ['the next cluster does not answer'] });

    expect(withProblem).toMatchObject({ hasNext: true, note: '' });
    expect(withProblem.items.map(textOf)).toEqual(['the next cluster does not answer']);
    expect(clustersSummary({ clusters: [current, { ...next, reachable: true }], problems: [] }).note).toContain('nothing stands in the way');
  });
});
