import { MIN_PROBES_PER_DECISION, PaceController, quantile, type PressureSample } from './pace-controller.js';

const settings = { budget: 3, floor: 500, ceiling: 0 };
/** A second of pressure: `probes` probes of `latencyMs`, searches running, the job writing `docsPerSecond`. */
const second = (latencyMs: number, docsPerSecond: number, extra: Partial<PressureSample> = {}): PressureSample => ({
  probeLatenciesMs: Array.from({ length: 50 }, () => latencyMs),
  searchesPerSecond: 500,
  rejections: 0,
  searchCostOverProbeMs: 0,
  docsPerSecond,
  ...extra,
});
/** Enough samples for a decision at the rate in force (the job writing at that rate). */
function decide(controller: PaceController, latencyMs: number, extra: Partial<PressureSample> = {}) {
  let decision = controller.decision;
  for (let probes = 0; probes < MIN_PROBES_PER_DECISION; probes += 50) decision = controller.observe(second(latencyMs, controller.decision.docsPerSecond || 30_000, extra));
  return decision;
}

describe('PaceController', () => {
  it('runs unpaced, or at the ceiling, while nobody searches the live index', () => {
    expect(new PaceController(settings, 2, 0, false).decision).toMatchObject({ docsPerSecond: 0, state: 'quiet' });
    expect(new PaceController({ ...settings, ceiling: 8000 }, 2, 0, false).decision).toMatchObject({ docsPerSecond: 8000, state: 'quiet' });
  });

  it('starts low when searches run, then climbs while they stay well within the budget', () => {
    const controller = new PaceController(settings, 2, 0, true);
    expect(controller.decision).toMatchObject({ docsPerSecond: 2000, state: 'increasing', baselineP99Ms: 2 });
    expect(decide(controller, 2)).toMatchObject({ docsPerSecond: 2500, state: 'increasing' });
    // Within the budget, past half of it (ratio 2.3 of 3): a smaller step.
    expect(decide(controller, 4.6)).toMatchObject({ docsPerSecond: 2750, state: 'increasing' });
    // Over 0.8 × the budget (2.75 of 3): held.
    expect(decide(controller, 5.5)).toMatchObject({ docsPerSecond: 2750, state: 'holding', searchP99Ms: 5.5 });
  });

  it('backs off by 0.7 when search p99 goes over the budget, and judges the new rate on new probes only', () => {
    const controller = new PaceController(settings, 2, 0, true);
    expect(decide(controller, 10)).toMatchObject({ docsPerSecond: 1400, state: 'decreasing' });
    expect(controller.decision.reason).toContain('search p99 10 ms = 5.0× the 2 ms before the job, 100.0 % of the last 100 probes over the budget, over the budget of 3×: 2000 → 1400');
    // One second of slow probes at the new rate is not yet a decision.
    expect(controller.observe(second(10, 1400))).toMatchObject({ docsPerSecond: 1400 });
    expect(controller.observe(second(10, 1400))).toMatchObject({ docsPerSecond: 980 });
  });

  it('judges by the p99: a few slow probes in a hundred are within it, more are not', () => {
    const mostlyFast = (slow: number) => ({ probeLatenciesMs: [...Array.from({ length: 100 - slow }, () => 2), ...Array.from({ length: slow }, () => 40)] });
    const one = new PaceController(settings, 2, 0, true);
    expect(one.observe(second(2, 2000, mostlyFast(1)))).toMatchObject({ docsPerSecond: 2500 });
    const two = new PaceController(settings, 2, 0, true);
    expect(two.observe(second(2, 2000, mostlyFast(2)))).toMatchObject({ docsPerSecond: 1400, state: 'decreasing' });
  });

  it('lets one unlucky window pass while the recent error budget has room, but not a window far over it', () => {
    const withSlow = (slow: number) => ({ probeLatenciesMs: [...Array.from({ length: 100 - slow }, () => 2), ...Array.from({ length: slow }, () => 40)] });
    const controller = new PaceController(settings, 2, 0, true);
    const at = (slow: number) => controller.observe(second(2, controller.decision.docsPerSecond, withSlow(slow)));
    // 1,000 probes within the budget, a window of 100 at each rate as it climbs...
    for (let i = 0; i < 10; i++) at(0);
    const before = controller.decision.docsPerSecond;
    // ...then 2 slow of 100: over the budget in this window, 0.2 % of the last 1,100.
    expect(at(2)).toMatchObject({ docsPerSecond: before, state: 'holding' });
    expect(controller.decision.reason).toContain('over the budget of 3× in this window only');
    // 5 more: 7 of the 200 at this rate, over 2 %: down at once.
    expect(at(5)).toMatchObject({ docsPerSecond: Math.round(before * 0.7), state: 'decreasing' });
  });

  it('holds the floor and says the budget is unreachable when searches stay over it there', () => {
    const controller = new PaceController({ ...settings, budget: 1.5 }, 2, 0, true);
    const rates = Array.from({ length: 6 }, () => decide(controller, 20).docsPerSecond);
    expect(rates).toEqual([1400, 980, 686, 500, 500, 500]);
    expect(controller.decision.state).toBe('budget-unreachable');
    expect(controller.decision.reason).toContain('even at the floor of 500 documents/s: holding the floor');
  });

  it('halves the rate at once when the cluster rejects requests', () => {
    const controller = new PaceController(settings, 2, 0, true);
    expect(controller.observe(second(2, 2000, { rejections: 3, probeLatenciesMs: [] }))).toMatchObject({ docsPerSecond: 1000, state: 'decreasing' });
    expect(controller.decision.reason).toContain('3 searches or writes rejected by the cluster');
  });

  it('starts a decrease from what the job wrote while it was unpaced', () => {
    const controller = new PaceController(settings, 2, 0, false);
    expect(controller.observe(second(2, 30_000, { searchesPerSecond: 0 }))).toMatchObject({ docsPerSecond: 0, state: 'quiet' });
    expect(controller.observe(second(2, 30_000, { rejections: 1 }))).toMatchObject({ docsPerSecond: 15_000 });
  });

  it('goes unpaced within one sample when searches stop, and back to the last good rate when they return', () => {
    const controller = new PaceController(settings, 2, 0, true);
    decide(controller, 2);
    expect(controller.decision.docsPerSecond).toBe(2500);
    expect(controller.observe(second(2, 2500, { searchesPerSecond: 0.5 }))).toMatchObject({ docsPerSecond: 0, state: 'quiet' });
    expect(controller.observe(second(2, 28_000, { searchesPerSecond: 0 }))).toMatchObject({ docsPerSecond: 0, state: 'quiet' });
    expect(controller.observe(second(2, 28_000))).toMatchObject({ docsPerSecond: 2000, state: 'increasing' });
  });

  it('keeps the quiet pace while an operator overrides it, so that handing the job back runs it unpaced', () => {
    const quiet = new PaceController(settings, 2, 0, false);
    quiet.follow(1000);
    expect(quiet.observe(second(2, 1000, { searchesPerSecond: 0 }))).toMatchObject({ docsPerSecond: 0, state: 'quiet' });
    // Searches stop while the operator's rate is in force: quiet is the ceiling, however often the override is applied again.
    const stopped = new PaceController({ ...settings, ceiling: 8000 }, 2, 0, true);
    stopped.follow(1000);
    expect(stopped.observe(second(2, 1000, { searchesPerSecond: 0 }))).toMatchObject({ docsPerSecond: 8000, state: 'quiet' });
    stopped.follow(1000);
    expect(stopped.observe(second(2, 1000, { searchesPerSecond: 0 }))).toMatchObject({ docsPerSecond: 8000, state: 'quiet' });
  });

  it('goes on from the operator’s rate once handed back while searches run', () => {
    const controller = new PaceController(settings, 2, 0, true);
    controller.follow(3000);
    expect(decide(controller, 2)).toMatchObject({ docsPerSecond: 3750, state: 'increasing' });
  });

  it('adds what a real search costs more than a probe, so that a pause weighs on the ratio as searches feel it', () => {
    // Probes of 2 ms before and 12 ms now: 6× for a probe, but for searches costing 18 ms more, (12 + 18) / (2 + 18) = 1.5×.
    const controller = new PaceController(settings, 2, 18, true);
    expect(decide(controller, 12, { searchCostOverProbeMs: 18 })).toMatchObject({ docsPerSecond: 2200, state: 'increasing', searchP99Ms: 30, baselineP99Ms: 20 });
    expect(decide(new PaceController(settings, 2, 0, true), 12)).toMatchObject({ docsPerSecond: 1400, state: 'decreasing' });
  });

  it('does not climb past a rate the job does not reach', () => {
    const controller = new PaceController(settings, 2, 0, true);
    let decision = controller.decision;
    for (let i = 0; i < 10; i++) decision = controller.observe(second(2, 2500));
    // 2000, 2500 and 3125 bind a job that writes 2500/s; 3906 no longer does.
    expect(decision.docsPerSecond).toBe(3906);
    expect(decision.state).toBe('holding');
    expect(decision.reason).toContain('the job writes 2500 documents/s, below its pace');
  });

  it('never goes above the ceiling nor below the floor, and a ceiling under the floor wins', () => {
    const capped = new PaceController({ ...settings, ceiling: 2500 }, 2, 0, true);
    expect(decide(capped, 2).docsPerSecond).toBe(2500);
    const low = new PaceController({ ...settings, ceiling: 20 }, 2, 0, true);
    expect(low.decision.docsPerSecond).toBe(20);
    expect(decide(low, 50)).toMatchObject({ docsPerSecond: 20, state: 'budget-unreachable' });
  });

  it('goes on from an operator’s rate once the override ends', () => {
    const controller = new PaceController(settings, 2, 0, true);
    controller.follow(10_000);
    expect(decide(controller, 10)).toMatchObject({ docsPerSecond: 7000, state: 'decreasing' });
  });
});

describe('quantile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.99)).toBeNaN();
  });
});
