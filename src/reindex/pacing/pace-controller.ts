import type { PaceState } from '../../job-store/index.js';

/**
 * Adaptive pacing of a backfill (REINDEX_PACE=auto): a controller that steers the job's rate by
 * what searches on the live index feel. Pure: the caller measures and passes the figures in.
 *
 * Additive-increase/multiplicative-decrease in spirit (as TCP): the rate drops by a factor when the
 * estimated search p99 goes over the budget or the node rejects requests, and climbs by smaller
 * steps while searches stay well within it. Each decision waits for enough probes measured at the
 * rate in force (a p99 needs about a hundred), so a decision never judges a rate by latencies
 * another rate caused. A p99 of a hundred probes is noisy, so a window over the budget slows the
 * job only when the recent error budget (1 % of searches may be slower) is spent as well.
 */

export interface PaceSettings {
  /** Search p99 allowed, as a ratio to the baseline p99. */
  readonly budget: number;
  /** Documents per second the controller never goes below. */
  readonly floor: number;
  /** Documents per second it never goes above; 0 = none. */
  readonly ceiling: number;
}

/** What was measured since the previous sample. */
export interface PressureSample {
  /** Round-trip times of the probe searches, in ms. */
  readonly probeLatenciesMs: readonly number[];
  /** Searches per second on the live index other than the probes. */
  readonly searchesPerSecond: number;
  /** Requests the cluster rejected (full search or write queues, 429s) and probes that failed. */
  readonly rejections: number;
  /**
   * How much longer the node spends on a real search than on a probe (mean query + fetch time per
   * shard, from its search stats), in ms. Added to the probes' p99 so that the ratio is the one
   * real searches see: a pause of 20 ms doubles a 20 ms search but multiplies a 2 ms probe by ten.
   */
  readonly searchCostOverProbeMs: number;
  /** Documents the job wrote per second. */
  readonly docsPerSecond: number;
}

export interface PaceDecision {
  /** Documents per second; 0 = unlimited. */
  readonly docsPerSecond: number;
  readonly state: PaceState;
  readonly reason: string;
  /** Estimated search p99 now and before the job, in ms; null until measured. */
  readonly searchP99Ms: number | null;
  readonly baselineP99Ms: number | null;
}

/** Below this many searches a second (probes aside) the live index counts as idle. */
export const QUIET_SEARCHES_PER_SECOND = 1;
/** Probes a decision needs, measured at the rate in force: a p99 of fewer is mostly noise. */
export const MIN_PROBES_PER_DECISION = 100;
/** The longest window a held rate is judged over. */
const MAX_WINDOW_PROBES = 500;
/**
 * The error budget: a p99 lets 1 % of searches be slower. Over the last 1,500 probes (about 30 s)
 * the job may spend that share; one unlucky window (a p99 of a hundred probes is their second
 * slowest) slows the job only when the recent share is spent too, or the window is far over.
 */
const SLOW_SHARE_ALLOWED = 0.01;
const SLOW_SHARE_FAR_OVER = 0.02;
const ERROR_BUDGET_PROBES = 1500;
/** Where a job starts when searches run at its start: low, then up by the increases. */
const START_DOCS_PER_SECOND = 2000;
const DECREASE = 0.7;
const DECREASE_ON_REJECTIONS = 0.5;
/**
 * Climb faster while far within the budget, but by small steps: what a higher rate does to searches
 * (more young GCs, merges) shows a few seconds late, and steps of 1.5 overshot the budget by half.
 */
const INCREASE_FAR = 1.25;
const INCREASE_NEAR = 1.1;
/** Searches within this share of the budget let the rate climb. */
const INCREASE_BELOW = 0.8;
/** A rate this far above what the job achieves does not bind: raising it further would mean nothing. */
const NOT_BINDING = 1.5;

/** The q-quantile (0–1) of the values, by the nearest-rank method. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export class PaceController {
  private rate: number;
  private state: PaceState;
  private reason: string;
  private window: number[] = [];
  private costOverProbeMs: number | null = null;
  private searchP99Ms: number | null = null;
  /** The highest rate the job reached: where a decrease starts from while unpaced. */
  private fastest = 0;
  /** The last rate judged within the budget: where the job resumes when searches come back. */
  private lastGood: number | null = null;
  /** Probes and how many of them were over the budget, one entry a sample, the last ERROR_BUDGET_PROBES. */
  private recent: { probes: number; slow: number }[] = [];

  /**
   * `baselineProbesMs`: the probes measured before the job wrote; `baselineCostOverProbeMs` as in a
   * sample; `searching`: whether searches ran then (else the job starts unpaced).
   */
  constructor(
    private readonly settings: PaceSettings,
    private readonly baselineProbeP99Ms: number,
    private readonly baselineCostOverProbeMs: number,
    searching: boolean,
  ) {
    if (searching) {
      this.rate = this.bounded(START_DOCS_PER_SECOND);
      this.state = 'increasing';
      this.reason = `searches run on the live index: starting at ${this.rate} documents/s`;
    } else {
      this.rate = settings.ceiling;
      this.state = 'quiet';
      this.reason = this.quietReason(0);
    }
  }

  get decision(): PaceDecision {
    return {
      docsPerSecond: this.rate,
      state: this.state,
      reason: this.reason,
      searchP99Ms: this.searchP99Ms === null ? null : round(this.searchP99Ms),
      baselineP99Ms: round(this.baselineP99Ms),
    };
  }

  /** The estimated search p99 before the job: the probes' plus what a real search costs more. */
  private get baselineP99Ms(): number {
    return this.baselineProbeP99Ms + this.baselineCostOverProbeMs;
  }

  /**
   * A rate an operator set by hand: the controller goes on from it once the override ends. Not while
   * nobody searches: the quiet pace is the ceiling whatever the operator set, so handing the job back
   * then runs it at the ceiling rather than at the operator's rate, labelled quiet.
   */
  follow(docsPerSecond: number): void {
    if (this.state === 'quiet' || docsPerSecond === this.rate) return;
    this.rate = docsPerSecond === 0 ? this.settings.ceiling : this.bounded(docsPerSecond);
    this.state = 'holding';
    this.reason = `going on from the ${this.rate === 0 ? 'unlimited pace' : `${this.rate} documents/s`} an operator set`;
    this.window = [];
  }

  observe(sample: PressureSample): PaceDecision {
    this.fastest = Math.max(this.fastest, sample.docsPerSecond);
    if (sample.rejections > 0) {
      this.decrease(DECREASE_ON_REJECTIONS, sample, `${sample.rejections} searches or writes rejected by the cluster`);
      return this.decision;
    }
    if (sample.searchesPerSecond < QUIET_SEARCHES_PER_SECOND) {
      if (this.state !== 'quiet') {
        this.rate = this.settings.ceiling;
        this.state = 'quiet';
        this.window = [];
        this.recent = [];
      }
      this.reason = this.quietReason(sample.searchesPerSecond);
      return this.decision;
    }
    if (this.state === 'quiet') {
      this.rate = this.bounded(this.lastGood ?? START_DOCS_PER_SECOND);
      this.state = 'increasing';
      this.reason = `searches started (${sample.searchesPerSecond.toFixed(1)}/s): back to ${this.rate} documents/s`;
      this.window = [];
      return this.decision;
    }
    const { slowerThanMs, costOverProbeMs } = this.recordProbes(sample);
    if (this.window.length < MIN_PROBES_PER_DECISION) return this.decision;
    this.searchP99Ms = quantile(this.window, 0.99) + costOverProbeMs;
    const ratio = this.searchP99Ms / this.baselineP99Ms;
    const windowSlowShare = this.window.filter((ms) => ms > slowerThanMs).length / this.window.length;
    const recentSlowShare = sum(this.recent, 'slow') / Math.max(1, sum(this.recent, 'probes'));
    const measured = `search p99 ${round(this.searchP99Ms)} ms = ${ratio.toFixed(1)}× the ${round(this.baselineP99Ms)} ms before the job, ${percent(recentSlowShare)} of the last ${sum(this.recent, 'probes')} probes over the budget`;
    if (windowSlowShare > SLOW_SHARE_ALLOWED && (recentSlowShare > SLOW_SHARE_ALLOWED || windowSlowShare > SLOW_SHARE_FAR_OVER)) {
      if (this.rate === this.floor) {
        this.state = 'budget-unreachable';
        this.reason = `${measured}, over the budget of ${this.settings.budget}× even at the floor of ${this.floor} documents/s: holding the floor`;
        this.window = [];
        return this.decision;
      }
      this.decrease(DECREASE, sample, `${measured}, over the budget of ${this.settings.budget}×`);
      return this.decision;
    }
    if (windowSlowShare <= SLOW_SHARE_ALLOWED) this.lastGood = this.rate === 0 ? null : this.rate;
    if (ratio < INCREASE_BELOW * this.settings.budget && this.binds(sample)) {
      const factor = ratio < 0.5 * this.settings.budget ? INCREASE_FAR : INCREASE_NEAR;
      const to = this.bounded(Math.round(this.rate * factor));
      if (to !== this.rate) {
        this.state = 'increasing';
        this.reason = `${measured}, within the budget of ${this.settings.budget}×: ${this.rate} → ${to} documents/s`;
        this.rate = to;
        this.window = [];
        return this.decision;
      }
    }
    this.state = 'holding';
    this.reason = `${measured}, ${ratio > this.settings.budget ? `over the budget of ${this.settings.budget}× in this window only` : `within the budget of ${this.settings.budget}×`}${this.binds(sample) ? '' : ` (the job writes ${Math.round(sample.docsPerSecond)} documents/s, below its pace)`}`;
    return this.decision;
  }

  /**
   * Adds the sample's probes to the decision window and to the recent error budget, and updates the
   * smoothed cost of a real search over a probe; returns that cost and the probe latency over which a search counts slow.
   */
  private recordProbes(sample: PressureSample): { slowerThanMs: number; costOverProbeMs: number } {
    this.window.push(...sample.probeLatenciesMs);
    if (this.window.length > MAX_WINDOW_PROBES) this.window.splice(0, this.window.length - MAX_WINDOW_PROBES);
    const costOverProbeMs = this.costOverProbeMs === null ? sample.searchCostOverProbeMs : 0.7 * this.costOverProbeMs + 0.3 * sample.searchCostOverProbeMs;
    this.costOverProbeMs = costOverProbeMs;
    const slowerThanMs = this.settings.budget * this.baselineP99Ms - costOverProbeMs;
    this.recent.push({ probes: sample.probeLatenciesMs.length, slow: sample.probeLatenciesMs.filter((ms) => ms > slowerThanMs).length });
    while (this.recent.length > 1 && sum(this.recent, 'probes') - this.recent[0].probes >= ERROR_BUDGET_PROBES) this.recent.shift();
    return { slowerThanMs, costOverProbeMs };
  }

  private decrease(factor: number, sample: PressureSample, why: string): void {
    // Unpaced, the decrease starts from what the job actually wrote.
    const from = this.rate === 0 ? this.bounded(Math.round(Math.max(sample.docsPerSecond, this.fastest))) : this.rate;
    const to = this.bounded(Math.round(from * factor));
    this.state = from === this.floor ? 'budget-unreachable' : 'decreasing';
    this.reason = `${why}: ${from} → ${to} documents/s`;
    this.rate = to;
    this.window = [];
  }

  /** Whether the pace limits the job: a rate far above what it achieves would only climb on paper. */
  private binds(sample: PressureSample): boolean {
    return this.rate !== 0 && this.rate <= NOT_BINDING * Math.max(sample.docsPerSecond, 1);
  }

  private bounded(docsPerSecond: number): number {
    const { ceiling } = this.settings;
    return Math.max(this.floor, ceiling > 0 ? Math.min(ceiling, docsPerSecond) : docsPerSecond);
  }

  /** REINDEX_MIN_DOCS_PER_SECOND, unless the ceiling is lower still. */
  private get floor(): number {
    const { floor, ceiling } = this.settings;
    return ceiling > 0 ? Math.min(floor, ceiling) : floor;
  }

  private quietReason(searchesPerSecond: number): string {
    const pace = this.settings.ceiling > 0 ? `at the ceiling of ${this.settings.ceiling} documents/s (REINDEX_MAX_DOCS_PER_SECOND)` : 'unpaced';
    return `no searches on the live index (${searchesPerSecond.toFixed(1)}/s besides the probes): ${pace}`;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function sum<K extends string>(entries: readonly Record<K, number>[], key: K): number {
  return entries.reduce((total, entry) => total + entry[key], 0);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
