import { jobChart, rateSegments, type ChartJob, type ChartTransition } from './job-chart.js';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const at = (seconds: number) => T0 + seconds * 1000;

let nextId = 1;
const transition = (seconds: number, toStatus: string, toPhase: string | null): ChartTransition => ({ id: nextId++, toStatus, toPhase, createdAt: new Date(at(seconds)).toISOString() });

const full = (overrides: Partial<ChartJob> = {}): ChartJob => ({ kind: 'FULL', status: 'RUNNING', phase: 'BACKFILL', docsProcessed: 0, createdAt: at(0), finishedAt: null, ...overrides });

describe('rateSegments', () => {
  const started = [transition(0, 'PENDING', null), transition(1, 'RUNNING', 'PREPARE'), transition(2, 'RUNNING', 'BACKFILL')];

  it('spreads what each progress sample adds over the time since the one before', () => {
    const segments = rateSegments(full({ docsProcessed: 3000 }), started, [{ at: at(4), docs: 1000 }, { at: at(5), docs: 3000 }], at(5));

    expect(segments).toEqual([
      { from: at(2), to: at(4), docsPerSecond: 500 },
      { from: at(4), to: at(5), docsPerSecond: 2000 },
    ]);
  });

  it('counts a pause as no writing: the documents of the span around it go to the time the job ran', () => {
    const transitions = [...started, transition(4, 'PAUSED', 'BACKFILL'), transition(10, 'RUNNING', 'BACKFILL')];
    const segments = rateSegments(full({ docsProcessed: 4000 }), transitions, [{ at: at(12), docs: 4000 }], at(12));

    // 4000 documents over 2 s before the pause and 2 s after it.
    expect(segments).toEqual([
      { from: at(2), to: at(4), docsPerSecond: 1000 },
      { from: at(10), to: at(12), docsPerSecond: 1000 },
    ]);
  });

  it('draws the average over the whole backfill of a job nobody watched, up to where it left BACKFILL', () => {
    const transitions = [...started, transition(12, 'RUNNING', 'CATCH_UP'), transition(13, 'RUNNING', 'VERIFY'), transition(14, 'COMPLETED', null)];
    const job = full({ status: 'COMPLETED', phase: null, docsProcessed: 5000, finishedAt: new Date(at(14)).toISOString() });

    expect(rateSegments(job, transitions, [], at(100))).toEqual([{ from: at(2), to: at(12), docsPerSecond: 500 }]);
  });

  it('ignores a second sample at the same time and samples from the future, and never draws a count going backwards', () => {
    const transitions = [...started, transition(6, 'RUNNING', 'CATCH_UP')];
    const job = full({ phase: 'CATCH_UP', docsProcessed: 4000 });
    const samples = [{ at: at(4), docs: 2000 }, { at: at(4), docs: 2100 }, { at: at(5), docs: 1500 }, { at: at(200), docs: 9999 }];

    expect(rateSegments(job, transitions, samples, at(8))).toEqual([
      { from: at(2), to: at(4), docsPerSecond: 1000 },
      { from: at(4), to: at(5), docsPerSecond: 0 },
      { from: at(5), to: at(6), docsPerSecond: 2000 },
    ]);
  });

  it('follows a PARTIAL job while it runs, and has nothing to draw before any job writes', () => {
    const partial: ChartJob = { ...full(), kind: 'PARTIAL', phase: null, status: 'COMPLETED', docsProcessed: 600, finishedAt: at(5) };
    const transitions = [transition(0, 'PENDING', null), transition(2, 'RUNNING', null), transition(5, 'COMPLETED', null)];

    expect(rateSegments(partial, transitions, [], at(9))).toEqual([{ from: at(2), to: at(5), docsPerSecond: 200 }]);
    expect(rateSegments(full({ status: 'PENDING', phase: null }), [transition(0, 'PENDING', null)], [], at(3))).toEqual([]);
  });
});

describe('jobChart', () => {
  it('labels the phases along the time axis and sums the rate up in words', () => {
    const transitions = [transition(0, 'PENDING', null), transition(1, 'RUNNING', 'PREPARE'), transition(2, 'RUNNING', 'BACKFILL'), transition(40, 'RUNNING', 'CATCH_UP')];
    const chart = jobChart(full({ phase: 'CATCH_UP', docsProcessed: 38_000 }), transitions, [{ at: at(20), docs: 28_500 }], at(45));

    expect(chart.summary).toBe('Peak 1,583 docs/s, average 1,000 docs/s over 38s of writing.');
    expect(chart.svg).toContain('role="img"');
    expect(chart.svg).toContain('>BACKFILL</text>');
    expect(chart.svg).toContain('<path class="rate"');
    expect(chart.svg).not.toContain('NaN');
  });

  it('names the pace in force now as the job says it, not the last one the samples drew', () => {
    const transitions = [transition(0, 'PENDING', null), transition(1, 'RUNNING', 'PREPARE'), transition(2, 'RUNNING', 'BACKFILL')];
    const samples = [{ at: at(10), docs: 8000, pace: 1000 }, { at: at(20), docs: 60_000, pace: 0 }];
    const running = (maxDocsPerSecond: number | null, extra: Partial<ChartJob> = {}) => jobChart(full({ docsProcessed: 60_000, maxDocsPerSecond, ...extra }), transitions, samples, at(21)).summary;

    expect(running(0)).toMatch(/The dashed line is the pace in force, now unlimited\.$/);
    expect(running(2000)).toMatch(/The dashed line is the pace in force, now 2,000 docs\/s\.$/);
    // Ended: no pace is in force any more.
    expect(running(null, { status: 'COMPLETED', phase: 'CLEANUP', finishedAt: at(21) })).toMatch(/The dashed line is the pace in force\.$/);
  });

  it('says when nothing was written yet', () => {
    const chart = jobChart(full({ status: 'PENDING', phase: null }), [transition(0, 'PENDING', null)], [], at(1));

    expect(chart.summary).toBe('No documents written yet.');
    expect(chart.svg).not.toContain('NaN');
  });
});
