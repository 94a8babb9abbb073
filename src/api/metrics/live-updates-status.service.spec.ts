import type { AppConfig } from '../../config/index.js';
import type { OutboxStore } from '../../job-store/index.js';
import type { ChangePublisher, LiveUpdatesHealth } from '../../live-updates/index.js';
import { Metrics } from '../../metrics/index.js';
import { LiveUpdatesStatus } from './live-updates-status.service.js';

describe('LiveUpdatesStatus', () => {
  const status = (options: { outboxEnabled: boolean; queueDepths: () => Promise<Record<'live' | 'retry' | 'dead_letter', number>>; metrics?: Metrics }) =>
    new LiveUpdatesStatus(
      { instanceId: 'replica-1', outbox: { enabled: options.outboxEnabled } } as AppConfig,
      options.metrics ?? new Metrics(),
      { queueDepths: options.queueDepths } as ChangePublisher,
      { backlog: () => Promise.resolve({ rows: 3, oldestAgeSeconds: 1.5 }) } as OutboxStore,
      { state: 'connected' } as LiveUpdatesHealth,
    );

  it('reports queue depths, the outbox backlog and what the changes did, from the instruments /metrics exports', async () => {
    const metrics = new Metrics();
    metrics.liveChangeWritten('outbox', 0.05);
    metrics.liveChangeSettled('rabbitmq', 'dead_lettered');

    const read = await status({ outboxEnabled: true, queueDepths: () => Promise.resolve({ live: 4, retry: 1, dead_letter: 2 }), metrics }).read();

    expect(read).toMatchObject({
      instance: 'replica-1',
      consumer: 'connected',
      queues: { value: { live: 4, retry: 1, dead_letter: 2 }, error: null },
      outbox: { value: { rows: 3, oldestAgeSeconds: 1.5 }, error: null },
      changes: { rabbitmq: { dead_lettered: 1, applied: 0 }, outbox: { applied: 1 } },
      lag: { outbox: { count: 1 }, rabbitmq: { count: 0, p95Seconds: null } },
    });
  });

  it('answers with the reason in place of the queues when the broker fails, and no outbox while it is off', async () => {
    const read = await status({ outboxEnabled: false, queueDepths: () => Promise.reject(new Error('Channel closed')) }).read();

    expect(read.queues).toEqual({ value: null, error: 'Channel closed' });
    expect(read.outbox).toBeNull();
  });
});
