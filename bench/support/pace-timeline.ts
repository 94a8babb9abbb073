import type { Pool } from 'mariadb';
import { percentile, round, sleep } from './bench-environment.js';
import type { SearchSample } from './search-load.js';

/** One second of a job: what it wrote, the pace in force, and what searches felt. */
export interface TimelinePoint {
  /** Seconds since the job was requested. */
  readonly t: number;
  readonly phase: string | null;
  /** Documents written in that second. */
  readonly docsPerSecond: number;
  /** The adaptive pace then (0 = unlimited), null when none was decided. */
  readonly paceDocsPerSecond: number | null;
  readonly paceState: string | null;
  /** p99 of the benchmark's own searches sent in that second; null when none were. */
  readonly searchP99Ms: number | null;
  /** The service's estimate it steers by, and its baseline. */
  readonly estimatedSearchP99Ms: number | null;
  readonly baselineP99Ms: number | null;
}

interface JobSample {
  readonly at: number;
  readonly phase: string | null;
  readonly docsProcessed: number;
  readonly pace: { docsPerSecond: number; state: string; searchP99Ms: number | null; baselineP99Ms: number | null } | null;
}

/** Reads the job's row once a second while it runs: progress and the pace it decided. */
export class JobSampler {
  private readonly samples: JobSample[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly db: Pool,
    private readonly jobId: number,
  ) {
    this.loop = this.run();
  }

  async stop(): Promise<JobSample[]> {
    this.stopped = true;
    await this.loop;
    return this.samples;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const [row] = await this.db.query<{ phase: string | null; docsProcessed: number; pace: string | JobSample['pace'] }[]>('SELECT phase, docs_processed AS docsProcessed, pace FROM reindex_jobs WHERE id = ?', [this.jobId]);
      if (row) this.samples.push({ at: Date.now(), phase: row.phase, docsProcessed: row.docsProcessed, pace: typeof row.pace === 'string' ? (JSON.parse(row.pace) as JobSample['pace']) : row.pace });
      await sleep(1000);
    }
  }
}

/** Per-second points from the job's samples and the search load's samples, from `from` (epoch ms). */
export function timeline(jobSamples: readonly JobSample[], searches: readonly SearchSample[], from: number): TimelinePoint[] {
  return jobSamples.slice(1).map((sample, i) => {
    const previous = jobSamples[i];
    const inSecond = searches.filter((search) => search.sentAtEpochMs >= previous.at && search.sentAtEpochMs < sample.at).map((search) => search.latencyMs).sort((a, b) => a - b);
    return {
      t: round((sample.at - from) / 1000, 1),
      phase: sample.phase,
      docsPerSecond: Math.round(((sample.docsProcessed - previous.docsProcessed) * 1000) / (sample.at - previous.at)),
      paceDocsPerSecond: sample.pace?.docsPerSecond ?? null,
      paceState: sample.pace?.state ?? null,
      searchP99Ms: inSecond.length > 0 ? round(percentile(inSecond, 0.99), 1) : null,
      estimatedSearchP99Ms: sample.pace?.searchP99Ms ?? null,
      baselineP99Ms: sample.pace?.baselineP99Ms ?? null,
    };
  });
}

/**
 * The timeline as an SVG chart: documents per second written (filled) and the pace (dashed) on the
 * left axis, the benchmark's per-second search p99 and the budget on the right one.
 */
export function timelineChart(points: readonly TimelinePoint[], title: string, budgetMs: number | null): string {
  const [width, height] = [900, 360];
  const plot = { left: 64, right: 64, top: 36, bottom: 40 };
  const duration = Math.max(1, ...points.map((point) => point.t));
  const topRate = niceTop(Math.max(1, ...points.map((point) => Math.max(point.docsPerSecond, point.paceDocsPerSecond ?? 0))));
  const topMs = niceTop(Math.max(1, budgetMs ?? 0, ...points.map((point) => point.searchP99Ms ?? 0)));
  const x = (t: number) => plot.left + (t / duration) * (width - plot.left - plot.right);
  const yRate = (rate: number) => plot.top + (1 - rate / topRate) * (height - plot.top - plot.bottom);
  const yMs = (ms: number) => plot.top + (1 - Math.min(ms, topMs) / topMs) * (height - plot.top - plot.bottom);
  const line = (values: readonly (readonly [number, number | null])[]) =>
    values.reduce((path, [t, y], i) => (y === null ? path : `${path}${i === 0 || values[i - 1][1] === null ? 'M' : 'L'}${x(t).toFixed(1)},${y.toFixed(1)}`), '');
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const rate = (topRate * i) / 4;
    const ms = (topMs * i) / 4;
    parts.push(`<line x1="${plot.left}" x2="${width - plot.right}" y1="${yRate(rate)}" y2="${yRate(rate)}" stroke="#eee"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${yRate(rate) + 4}" text-anchor="end">${Math.round(rate).toLocaleString('en')}</text>`);
    parts.push(`<text x="${width - plot.right + 6}" y="${yMs(ms) + 4}" fill="#c0392b">${round(ms, 1)}</text>`);
  }
  for (let t = 0; t <= duration; t += Math.max(5, Math.ceil(duration / 10 / 5) * 5)) parts.push(`<text x="${x(t)}" y="${height - plot.bottom + 16}" text-anchor="middle">${t}s</text>`);
  parts.push(`<path d="${line(points.map((point) => [point.t, yRate(point.docsPerSecond)]))}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`);
  parts.push(`<path d="${line(points.map((point) => [point.t, point.paceDocsPerSecond ? yRate(point.paceDocsPerSecond) : null]))}" fill="none" stroke="#333" stroke-width="1.5" stroke-dasharray="6 4"/>`);
  parts.push(`<path d="${line(points.map((point) => [point.t, point.searchP99Ms === null ? null : yMs(point.searchP99Ms)]))}" fill="none" stroke="#c0392b" stroke-width="1"/>`);
  if (budgetMs !== null) parts.push(`<line x1="${plot.left}" x2="${width - plot.right}" y1="${yMs(budgetMs)}" y2="${yMs(budgetMs)}" stroke="#c0392b" stroke-dasharray="2 3"/>`);
  const legend = `<text x="${plot.left}" y="20"><tspan fill="#1f5fbf">━ docs/s written</tspan>  <tspan fill="#333">╍ pace</tspan>  <tspan fill="#c0392b">━ search p99 per second (ms, right)  ┄ budget × idle p99</tspan></text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="#fff"/><text x="${width / 2}" y="12" text-anchor="middle" font-weight="bold">${title}</text>${legend}${parts.join('')}</svg>\n`;
}

function niceTop(max: number): number {
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((top) => top >= max)!;
}
