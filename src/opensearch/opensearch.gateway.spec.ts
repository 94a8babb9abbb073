import type { Client } from '@opensearch-project/opensearch';
import { Metrics } from '../metrics/metrics.js';
import { OpenSearchGateway } from './opensearch.gateway.js';
import { writeAliasOf } from './search-gateway.js';

describe('OpenSearchGateway metrics', () => {
  it('counts a _bulk request that failed as a whole under its alias and target, and times it as an error', async () => {
    const metrics = new Metrics();
    const client = { transport: { request: () => Promise.reject(new Error('socket hang up')) } } as unknown as Client;
    const gateway = new OpenSearchGateway(client, metrics);

    await expect(gateway.bulk(writeAliasOf('events_v4'), [{ action: 'delete', id: '1', version: 2 }])).rejects.toThrow('socket hang up');

    const text = await metrics.registry.metrics();
    expect(text).toContain('reindexer_bulk_request_failures_total{index="events",target="build"} 1');
    expect(text).toContain('reindexer_opensearch_request_duration_seconds_count{operation="bulk",outcome="error"} 1');
  });
});
