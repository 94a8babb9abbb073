import { Metrics } from './metrics.js';

async function valuesOf(metrics: Metrics, name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  // Histogram values also name their series (`_bucket`, `_sum`, `_count`); prom-client's type leaves it out.
  return (await metric.get()).values.map((value) => ({ labels: value.labels, value: value.value, metricName: (value as { metricName?: string }).metricName ?? name }));
}

describe('Metrics', () => {
  it('counts written, throttled and rejected documents under the alias and target', async () => {
    const metrics = new Metrics();
    metrics.bulkAnswered('current', 'events', 'build', { written: 998, throttled: 2, rejected: 0 });
    metrics.bulkAnswered('current', 'events', 'live', { written: 3, throttled: 0, rejected: 1 });
    metrics.bulkAnswered('next', 'events', 'live', { written: 3, throttled: 0, rejected: 0 });

    expect(await valuesOf(metrics, 'reindexer_documents_written_total')).toEqual([
      expect.objectContaining({ labels: { cluster: 'current', index: 'events', target: 'build' }, value: 998 }),
      expect.objectContaining({ labels: { cluster: 'current', index: 'events', target: 'live' }, value: 3 }),
      expect.objectContaining({ labels: { cluster: 'next', index: 'events', target: 'live' }, value: 3 }),
    ]);
    expect(await valuesOf(metrics, 'reindexer_bulk_document_failures_total')).toEqual([
      expect.objectContaining({ labels: { cluster: 'current', index: 'events', target: 'build', reason: 'throttled' }, value: 2 }),
      expect.objectContaining({ labels: { cluster: 'current', index: 'events', target: 'live', reason: 'rejected' }, value: 1 }),
    ]);
  });

  it('times an OpenSearch request as ok or error, and passes the error on', async () => {
    const metrics = new Metrics();
    await expect(metrics.timeOpenSearch('current', 'count', () => Promise.resolve(5))).resolves.toBe(5);
    await expect(metrics.timeOpenSearch('next', 'bulk', () => Promise.reject(new Error('socket hang up')))).rejects.toThrow('socket hang up');

    const counts = (await valuesOf(metrics, 'reindexer_opensearch_request_duration_seconds')).filter((value) => value.metricName.endsWith('_count'));
    expect(counts).toEqual([
      expect.objectContaining({ labels: { cluster: 'current', operation: 'count', outcome: 'ok' }, value: 1 }),
      expect.objectContaining({ labels: { cluster: 'next', operation: 'bulk', outcome: 'error' }, value: 1 }),
    ]);
  });

  it('counts a written live change as applied and observes its lag, never below zero', async () => {
    const metrics = new Metrics();
    metrics.liveChangeWritten('rabbitmq', 0.2);
    metrics.liveChangeWritten('rabbitmq', -3);
    metrics.liveChangeWritten('outbox', null);

    expect(await valuesOf(metrics, 'reindexer_live_changes_total')).toEqual([
      expect.objectContaining({ labels: { source: 'rabbitmq', outcome: 'applied' }, value: 2 }),
      expect.objectContaining({ labels: { source: 'outbox', outcome: 'applied' }, value: 1 }),
    ]);
    const lag = await valuesOf(metrics, 'reindexer_live_change_lag_seconds');
    expect(lag.filter((value) => value.metricName.endsWith('_count'))).toEqual([expect.objectContaining({ labels: { source: 'rabbitmq' }, value: 2 })]);
    expect(lag.find((value) => value.metricName.endsWith('_sum'))?.value).toBeCloseTo(0.2);
  });

  it('sums up live changes by source and outcome, and their lag as count, sum and quantiles', async () => {
    const metrics = new Metrics();
    for (const lag of [0.02, 0.02, 0.02, 0.3]) metrics.liveChangeWritten('rabbitmq', lag);
    metrics.liveChangeSettled('rabbitmq', 'retried');
    metrics.liveChangeSettled('outbox', 'dead_lettered');

    const figures = await metrics.liveChangeFigures();

    expect(figures.changes).toEqual({
      rabbitmq: { applied: 4, retried: 1, dead_lettered: 0, requeued: 0 },
      outbox: { applied: 0, retried: 0, dead_lettered: 1, requeued: 0 },
    });
    // Three in (0.01, 0.025], one in (0.25, 0.5]: interpolated inside those buckets.
    expect(figures.lag.rabbitmq).toMatchObject({ count: 4, p50Seconds: expect.closeTo(0.02, 6) as unknown, p95Seconds: expect.closeTo(0.45, 6) as unknown });
    expect(figures.lag.rabbitmq.sumSeconds).toBeCloseTo(0.36);
    expect(figures.lag.outbox).toEqual({ count: 0, sumSeconds: 0, p50Seconds: null, p95Seconds: null });
  });
});
