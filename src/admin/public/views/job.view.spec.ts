import { textOf } from '../element-queries.js';
import { jobFacts, jobView, relevanceView, type GateRecord, type JobDetail, type Transition } from './job.view.js';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
let nextId = 1;
const transition = (seconds: number, from: [string, string | null] | null, to: [string, string | null], reason: string, actor: string | null = null): Transition => ({
  id: nextId++,
  fromStatus: from?.[0] ?? null,
  fromPhase: from?.[1] ?? null,
  toStatus: to[0],
  toPhase: to[1],
  reason,
  actor,
  instanceId: 'console',
  createdAt: at(seconds),
});

const TRANSITIONS = [
  transition(0, null, ['PENDING', null], 'requested', 'admin'),
  transition(1, ['PENDING', null], ['RUNNING', 'BACKFILL'], 'claimed'),
  transition(20, ['RUNNING', 'BACKFILL'], ['PAUSED', 'BACKFILL'], 'paused by operator', 'admin'),
];

const job = (overrides: Partial<JobDetail> = {}): JobDetail => ({
  id: 7,
  alias: 'events',
  kind: 'FULL',
  trigger: 'manual',
  status: 'PAUSED',
  phase: 'BACKFILL',
  docsProcessed: 1500,
  docsTotal: 6000,
  docsPerSecond: null,
  etaSeconds: null,
  maxDocsPerSecond: 250,
  maxDocsPerSecondSetBy: 'REINDEX_MAX_DOCS_PER_SECOND',
  lastError: null,
  pausedBy: 'operator',
  pace: null,
  sourceIndex: 'events_v2',
  targetIndex: 'events_v3',
  retries: 0,
  leaseOwner: null,
  createdAt: at(0),
  finishedAt: null,
  transitions: TRANSITIONS,
  ...overrides,
});

describe('jobView', () => {
  it('titles the job by what it does to which alias', () => {
    expect(jobView(job(), [], T0 + 30_000).title).toBe('Job #7: full rebuild of events');
    expect(jobView(job({ kind: 'PARTIAL' }), [], T0 + 30_000).title).toBe('Job #7: partial re-index of events');
    expect(jobView(job({ kind: 'VERIFY' }), [], T0 + 30_000).title).toBe('Job #7: verify of events');
    expect(jobView(job({ kind: 'SYNC' }), [], T0 + 30_000).title).toBe('Job #7: sync of events');
  });

  it("shows a verify's or sync's report once it completed, and what it compared while it runs", () => {
    const result = { alias: 'events', index: 'events', sourceCount: 3000, indexCount: 3001, missing: { total: 0, ids: [] }, stale: { total: 0, ids: [] }, extra: { total: 1, ids: [99] } };
    const running = job({ kind: 'VERIFY', status: 'RUNNING', phase: null, docsProcessed: 2000, docsTotal: 6001, result: null });
    expect(jobView(running, [], T0 + 30_000).report).toBeNull();
    expect(jobFacts(running).map(([name]) => name)).toEqual(['Status', 'Compared', 'Retries', 'Runner', 'Created', 'Finished']);
    expect(Object.fromEntries(jobFacts(running)).Compared).toBe('2,000 / 6,001');
    expect(jobView(running, [], T0 + 30_000)).toMatchObject({ chart: '', caption: '' });

    const done = jobView(job({ kind: 'SYNC', status: 'COMPLETED', phase: null, finishedAt: at(40), result: { ...result, unrepaired: { total: 0, ids: [] } } }), [], T0 + 60_000);
    expect(done.report?.title).toMatch(/^Sync of events at /);
    expect(done.report?.summary).toBe('Source: 3,000 indexable rows. Index events: 3,001 documents. 1 differences found and repaired from MySQL.');
    expect(done.report?.rows).toHaveLength(4);
    expect(jobView(job(), [], T0 + 30_000).report).toBeNull();
  });

  it('lists its facts, the optional ones only when the job has them', () => {
    const facts = Object.fromEntries(jobFacts(job()));

    expect(facts).toMatchObject({ Status: 'PAUSED (by operator)', Phase: 'BACKFILL', Documents: '1,500 / 6,000', Rate: '—', ETA: '—', Pace: 'max 250/s', 'Source → target': 'events_v2 → events_v3', Retries: '0', Runner: '—', Finished: '—' });
    expect(Object.keys(facts)).not.toContain('Adaptive pace');
    expect(Object.keys(facts)).not.toContain('Waiting for');
    expect(Object.keys(facts)).not.toContain('Last error');

    const more = Object.fromEntries(jobFacts(job({ pace: { state: 'quiet', reason: 'nobody searches' }, waitingFor: 'a run slot', lastError: 'boom', docsPerSecond: 1200, etaSeconds: 4 })));
    expect(more).toMatchObject({ 'Adaptive pace': 'quiet: nobody searches', 'Waiting for': 'a run slot', 'Last error': 'boom', Rate: '1,200 docs/s', ETA: '4 s' });
    // Once no pace is in force, the adaptive one is history.
    expect(Object.fromEntries(jobFacts(job({ maxDocsPerSecond: null, pace: { state: 'quiet', reason: 'r' } })))).toMatchObject({ Pace: '—', 'Adaptive pace, last decided': 'quiet: r' });
  });

  it('shows the facts as figures, name over value', () => {
    const [status] = jobView(job(), [], T0 + 30_000).facts;

    expect(status).toMatchObject({ tag: 'div', attrs: {} });
    expect(status.children.map((part) => (typeof part === 'object' ? [part.tag, textOf(part)] : part))).toEqual([['dt', 'Status'], ['dd', 'PAUSED (by operator)']]);
  });

  it('writes each transition: when, from which state to which, why, and who on which replica', () => {
    const items = jobView(job(), [], T0 + 30_000).timeline;

    expect(items.map(textOf).map((line) => line.replace(/^\d{2}:\d{2}:\d{2}/, 'hh:mm:ss'))).toEqual([
      'hh:mm:ssnew → PENDING: requested (admin on console)',
      'hh:mm:ssPENDING → RUNNING/BACKFILL: claimed (console)',
      'hh:mm:ssRUNNING/BACKFILL → PAUSED/BACKFILL: paused by operator (admin on console)',
    ]);
    expect(items[0].children[0]).toMatchObject({ tag: 'time', attrs: { datetime: at(0) } });
  });

  it('draws the chart and captions it, saying it updates while the job is active', () => {
    const view = jobView(job(), [{ at: T0 + 10_000, docs: 900 }], T0 + 30_000);

    expect(view.chart).toMatch(/^<svg [^>]*role="img"/);
    expect(view.caption).toMatch(/^Documents per second over the job's time, phases below\. Peak [\d,]+ docs\/s, .* Updates while this stays open\.$/);
    expect(jobView(job({ status: 'COMPLETED', phase: null, finishedAt: at(25) }), [], T0 + 30_000).caption).not.toContain('Updates while this stays open.');
  });
});

const side = (total: number, top: string[]) => ({ total, top, error: null });
const gate = (overrides: Partial<GateRecord> = {}): GateRecord => ({
  verdict: 'blocked',
  comparedAt: at(40),
  live: 'events_v2',
  candidate: 'events_v3',
  querySet: 'api',
  failures: ['1 query finds nothing that found documents before: "jazz"'],
  failingQueries: ['jazz'],
  summary: { queries: 2, meanTopOverlap: 0.5, ndcg: { current: 1, next: 0 } },
  queries: [
    { name: 'jazz', current: side(12, ['4', '9']), next: side(0, []) },
    { name: 'rock', current: side(3, ['1']), next: side(3, ['1']) },
  ],
  approval: null,
  ...overrides,
});

describe('relevanceView', () => {
  it('is hidden for a job the gate never judged', () => {
    expect(relevanceView(null)).toBeNull();
    expect(jobView(job(), [], T0 + 30_000).relevance).toBeNull();
  });

  it("says the verdict and the failures, and shows each failing query's two top 10s side by side", () => {
    const view = relevanceView(gate())!;

    expect(view.summary).toMatch(/^Stopped before the swap: approve it \(Approve… in the jobs table\) or cancel it\. events_v2 → events_v3, 2 queries, mean top-10 overlap 0\.5, nDCG@10 1 → 0; compared /);
    expect(view.failures.map(textOf)).toEqual(['1 query finds nothing that found documents before: "jazz"']);
    expect(view.rows.map((row) => row.children.map(textOf))).toEqual([['jazz', '12 → 0', '49', 'nothing found']]);
  });

  it('names who approved', () => {
    expect(relevanceView(gate({ verdict: 'approved', approval: { by: 'alice', at: at(50) } }))!.summary).toMatch(/^Approved despite the failures below \(by alice, .+\)\. /);
  });
});
