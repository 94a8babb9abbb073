import type { Client } from '@opensearch-project/opensearch';
import { writeAliasOf } from '../indices/index.js';
import { Metrics } from '../metrics/index.js';
import { OpenSearchGateway, writePressureOf } from './opensearch.gateway.js';

describe('OpenSearchGateway metrics', () => {
  it('counts a _bulk request that failed as a whole under its alias and target, and times it as an error', async () => {
    const metrics = new Metrics();
    const client = { transport: { request: () => Promise.reject(new Error('socket hang up')) } } as unknown as Client;
    const gateway = new OpenSearchGateway(client, metrics, 'current', { node: 'http://127.0.0.1:9200' });

    await expect(gateway.bulk(writeAliasOf('events_v4'), [{ action: 'delete', id: '1', version: 2 }])).rejects.toThrow('socket hang up');

    const text = await metrics.registry.metrics();
    expect(text).toContain('reindexer_bulk_request_failures_total{cluster="current",index="events",target="build"} 1');
    expect(text).toContain('reindexer_opensearch_request_duration_seconds_count{cluster="current",operation="bulk",outcome="error"} 1');
  });
});

describe('OpenSearchGateway cluster info', () => {
  it('asks again after a failed ask, and not again once it knows', async () => {
    const answers = [
      () => Promise.reject(new Error('connect ECONNREFUSED')),
      () => Promise.resolve({ body: { cluster_uuid: 'abc', version: { distribution: 'opensearch', number: '2.19.1' } } }),
    ];
    let asked = 0;
    const client = { info: () => answers[asked++]() } as unknown as Client;
    const gateway = new OpenSearchGateway(client, new Metrics(), 'current', { node: 'http://127.0.0.1:9200' });

    await expect(gateway.clusterInfo()).rejects.toThrow('connect ECONNREFUSED');
    expect(await gateway.clusterInfo()).toEqual({ engine: 'opensearch', version: '2.19.1', clusterUuid: 'abc', clusterName: '' });
    expect(await gateway.clusterInfo()).toEqual({ engine: 'opensearch', version: '2.19.1', clusterUuid: 'abc', clusterName: '' });
    expect(asked).toBe(2);
  });
});

describe('writePressureOf', () => {
  it("sums the nodes' write pools, a node without one adding nothing", () => {
    const stats = {
      nodes: {
        a: { thread_pool: { write: { threads: 2, queue: 3, rejected: 10 } } },
        b: { thread_pool: { write: { threads: 4, queue: 0, rejected: 1 } } },
        c: {},
      },
    };
    expect(writePressureOf(stats)).toEqual({ threads: 6, queue: 3, rejected: 11 });
    expect(writePressureOf({})).toEqual({ threads: 0, queue: 0, rejected: 0 });
  });
});
