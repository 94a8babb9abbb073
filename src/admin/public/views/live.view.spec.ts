import { textOf } from '../element-queries.js';
import { liveFigures, liveNote, recentLag, type LiveStatus } from './live.view.js';

const status = (overrides: Partial<LiveStatus> = {}): LiveStatus => ({
  instance: 'console',
  since: '2026-12-02T10:00:00.000Z',
  consumer: 'connected',
  queues: { value: { live: 3, retry: 0, dead_letter: 0 } },
  outbox: { value: { rows: 2, oldestAgeSeconds: 0.25 } },
  lag: { rabbitmq: { count: 10, sumSeconds: 2, p95Seconds: 0.4 }, outbox: { count: 0, sumSeconds: 0, p95Seconds: null } },
  changes: { rabbitmq: { applied: 1200, retried: 0, dead_lettered: 0 }, outbox: { applied: 34, retried: 0, dead_lettered: 0 } },
  ...overrides,
});

/** The figures as `name → [value, level]`. */
const shown = (figures: ReturnType<typeof liveFigures>) =>
  Object.fromEntries(figures.map((figure) => [textOf(figure.children[0]), [textOf(figure.children[1]), figure.attrs.class ?? '']]));

describe('live view', () => {
  it('shows the consumer, queues, outbox, lag and outcomes, with nothing flagged while all is well', () => {
    expect(shown(liveFigures(status(), 0.2))).toEqual({
      Consumer: ['connected', ''],
      'Queue (ready)': ['3', ''],
      'Retry queue': ['0', ''],
      'Dead-letter queue': ['0', ''],
      'Outbox backlog': ['2 (oldest 250 ms)', ''],
      'Lag, recent mean': ['200 ms', ''],
      'Lag p95': ['400 ms', ''],
      Applied: ['1,234', ''],
      Retried: ['0', ''],
      'Dead-lettered': ['0', ''],
    });
  });

  it('flags a lost consumer, unread queues, dead letters, retries and a slow p95', () => {
    const figures = shown(
      liveFigures(
        status({
          consumer: 'reconnecting',
          queues: { value: null, error: 'channel closed' },
          outbox: null,
          lag: { rabbitmq: { count: 5, sumSeconds: 40, p95Seconds: 9 }, outbox: { count: 0, sumSeconds: 0, p95Seconds: null } },
          changes: { rabbitmq: { applied: 1, retried: 2, dead_lettered: 1 }, outbox: { applied: 0, retried: 0, dead_lettered: 0 } },
        }),
        null,
      ),
    );

    expect(figures).toMatchObject({
      Consumer: ['reconnecting', 'bad'],
      'Queue (ready)': ['unknown', 'bad'],
      'Dead-letter queue': ['unknown', ''],
      'Outbox backlog': ['off', ''],
      'Lag, recent mean': ['—', ''],
      'Lag p95': ['9.0 s', 'warn'],
      Retried: ['2', 'warn'],
      'Dead-lettered': ['1', 'bad'],
    });
    expect(shown(liveFigures(status({ queues: { value: { live: 0, retry: 1, dead_letter: 4 } } }), null))).toMatchObject({ 'Retry queue': ['1', 'warn'], 'Dead-letter queue': ['4', 'bad'] });
  });

  it('means the lag over the changes since the previous refresh only', () => {
    const first = recentLag(status().lag, {});
    expect(first).toEqual({ mean: null, totals: { count: 10, sum: 2 } });

    const lag = { rabbitmq: { count: 14, sumSeconds: 3, p95Seconds: 0.4 }, outbox: { count: 1, sumSeconds: 1, p95Seconds: 1 } };
    expect(recentLag(lag, first.totals)).toEqual({ mean: 0.4, totals: { count: 15, sum: 4 } });
    // Nothing new (or a restarted replica counting from zero): no recent mean.
    expect(recentLag(lag, { count: 15, sum: 4 }).mean).toBeNull();
  });

  it('notes where the figures come from and what could not be read', () => {
    expect(liveNote(status())).toMatch(/^Queues and outbox: now\. Changes, lag and p95: replica console since 2026-12-0\d .*run Sync\.$/);
    expect(liveNote(status({ queues: { value: null, error: 'channel closed' }, outbox: { value: null, error: 'table missing.' } }))).toMatch(/ Not read: queues: channel closed; outbox: table missing\.$/);
  });
});
