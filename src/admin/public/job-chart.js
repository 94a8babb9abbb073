// The docs/s chart of one job, drawn as inline SVG from what the API gives: the job's transitions
// (when it ran, paused, changed phase) and the progress the page saw while polling it.

import { duration } from './format.js';

const ENDED = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** Whether the job writes documents in this state: a FULL job in BACKFILL, a PARTIAL job while running. */
function writing(kind, status, phase) {
  return status === 'RUNNING' && (kind === 'PARTIAL' || phase === 'BACKFILL');
}

const time = (value) => (typeof value === 'number' ? value : Date.parse(value));

/** The job's states over time: `[{ from, to, status, phase }]`, from its transitions; the last one lasts until `end`. */
export function stateSpans(job, transitions, end) {
  const ordered = [...transitions].sort((a, b) => time(a.createdAt) - time(b.createdAt) || a.id - b.id);
  return ordered.map((transition, index) => ({
    from: time(transition.createdAt),
    to: index + 1 < ordered.length ? time(ordered[index + 1].createdAt) : end,
    status: transition.toStatus,
    phase: transition.toPhase,
  }));
}

/** Where the chart's time axis ends: when the job ended, else now. */
export function chartEnd(job, now) {
  return ENDED.includes(job.status) && job.finishedAt ? time(job.finishedAt) : now;
}

/**
 * Documents per second over time, as segments `{ from, to, docsPerSecond }`. Known points are the
 * start of the first writing span (0 documents), each progress sample (a persisted count and when it
 * was saved) and, once the job stopped writing for good, the end of the last span (its final count).
 * Between two points the documents written are spread over the time the job was writing; time it
 * was not (paused, waiting, another phase) is drawn at 0.
 */
export function rateSegments(job, transitions, samples, now) {
  const end = chartEnd(job, now);
  const active = stateSpans(job, transitions, end).filter((span) => writing(job.kind, span.status, span.phase) && span.to > span.from);
  if (active.length === 0) return [];
  const points = [{ at: active[0].from, docs: 0 }];
  for (const sample of [...samples].sort((a, b) => a.at - b.at)) {
    if (sample.at > points.at(-1).at && sample.at <= end) points.push({ at: sample.at, docs: Math.max(sample.docs, points.at(-1).docs) });
  }
  const lastActive = active.at(-1);
  const stillWriting = lastActive.to === end && writing(job.kind, job.status, job.phase);
  if (!stillWriting && lastActive.to > points.at(-1).at) points.push({ at: lastActive.to, docs: Math.max(job.docsProcessed, points.at(-1).docs) });

  const segments = [];
  for (let i = 1; i < points.length; i++) {
    const [from, to] = [points[i - 1], points[i]];
    const pieces = active.map((span) => ({ from: Math.max(span.from, from.at), to: Math.min(span.to, to.at) })).filter((piece) => piece.to > piece.from);
    const writingMs = pieces.reduce((sum, piece) => sum + piece.to - piece.from, 0);
    if (writingMs === 0) continue;
    const docsPerSecond = ((to.docs - from.docs) * 1000) / writingMs;
    for (const piece of pieces) segments.push({ ...piece, docsPerSecond });
  }
  return segments;
}

/**
 * The pace in force over time, as segments `{ from, to, docsPerSecond }`: each sample's pace lasts
 * until the next sample (the last one until `end`). Unlimited (0) and unknown paces are left out.
 */
export function paceSteps(samples, end) {
  const ordered = [...samples].sort((a, b) => a.at - b.at);
  return ordered
    .map((sample, index) => ({ from: sample.at, to: index + 1 < ordered.length ? ordered[index + 1].at : end, docsPerSecond: sample.pace }))
    .filter((step) => step.docsPerSecond > 0 && step.to > step.from);
}

const WIDTH = 640;
const HEIGHT = 220;
const PLOT = { left: 56, right: 12, top: 24, bottom: 52 };
const BAND_HEIGHT = 16;
const BAND_COLORS = {
  PENDING: '#d9dde3', PAUSED: '#f3c98b', PREPARE: '#c9d8f0', BACKFILL: '#9fc0ec', CATCH_UP: '#b6d7c2',
  VERIFY: '#cfe3b1', ALIAS_SWAP: '#e5d0f2', CLEANUP: '#d6d6d6', RUNNING: '#9fc0ec', COMPLETED: '#e8ece9', FAILED: '#f2b8b5', CANCELLED: '#e0e0e0',
};

const escape = (value) => String(value).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** 1, 2 or 5 times a power of ten: a readable step for about `count` ticks up to `max`. */
function niceStep(max, count) {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= raw);
}

/** Seconds between time ticks: a step a clock reads well, for about `count` ticks over `seconds`. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];
function timeStep(seconds, count) {
  return TIME_STEPS.find((step) => step >= seconds / count) ?? niceStep(seconds, count);
}

/** The chart as an SVG string, and a one-line summary for people who cannot see it. */
export function jobChart(job, transitions, samples, now) {
  const start = time(job.createdAt);
  const end = Math.max(chartEnd(job, now), start + 1000);
  const segments = rateSegments(job, transitions, samples, now);
  const paces = paceSteps(samples, end);
  const peak = Math.max(0, ...segments.map((segment) => segment.docsPerSecond), ...paces.map((step) => step.docsPerSecond));
  const step = niceStep(peak || 1, 4);
  const top = Math.ceil((peak || 1) / step) * step;
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (at) => PLOT.left + ((at - start) / (end - start)) * plotWidth;
  const y = (rate) => PLOT.top + plotHeight - (rate / top) * plotHeight;
  const parts = [];

  for (let value = 0; value <= top; value += step) {
    parts.push(`<line class="grid" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(value)}" y2="${y(value)}"/>`);
    parts.push(`<text class="tick" x="${PLOT.left - 6}" y="${y(value) + 4}" text-anchor="end">${Math.round(value).toLocaleString('en')}</text>`);
  }
  const tick = timeStep((end - start) / 1000, 5) * 1000;
  for (let at = 0; at <= end - start; at += tick) {
    parts.push(`<text class="tick" x="${x(start + at)}" y="${HEIGHT - PLOT.bottom + 14}" text-anchor="middle">${duration(at)}</text>`);
  }
  const bandY = HEIGHT - BAND_HEIGHT - 4;
  for (const span of stateSpans(job, transitions, end)) {
    const label = span.status === 'RUNNING' ? span.phase ?? 'RUNNING' : span.status;
    const [left, right] = [x(Math.max(span.from, start)), x(Math.min(span.to, end))];
    if (right - left < 0.5) continue;
    parts.push(`<rect class="band" x="${left}" y="${bandY}" width="${right - left}" height="${BAND_HEIGHT}" fill="${BAND_COLORS[label] ?? '#ddd'}"><title>${escape(label)}</title></rect>`);
    if (right - left > label.length * 6.5) parts.push(`<text class="band-label" x="${(left + right) / 2}" y="${bandY + 12}" text-anchor="middle">${escape(label)}</text>`);
  }
  if (segments.length > 0) {
    let path = `M${x(segments[0].from)},${y(0)}`;
    let previousEnd = segments[0].from;
    for (const segment of segments) {
      if (segment.from > previousEnd) path += `L${x(previousEnd)},${y(0)}L${x(segment.from)},${y(0)}`;
      path += `L${x(segment.from)},${y(segment.docsPerSecond)}L${x(segment.to)},${y(segment.docsPerSecond)}`;
      previousEnd = segment.to;
    }
    path += `L${x(previousEnd)},${y(0)}`;
    parts.push(`<path class="rate" d="${path}"/>`);
  }
  if (paces.length > 0) {
    const path = paces.map((step, index) => `${index > 0 && paces[index - 1].to === step.from ? 'L' : 'M'}${x(step.from)},${y(step.docsPerSecond)}L${x(step.to)},${y(step.docsPerSecond)}`).join('');
    parts.push(`<path class="pace" d="${path}"><title>pace</title></path>`);
  }
  const writingMs = segments.reduce((sum, segment) => sum + segment.to - segment.from, 0);
  const written = segments.reduce((sum, segment) => sum + (segment.docsPerSecond * (segment.to - segment.from)) / 1000, 0);
  const summary =
    segments.length === 0
      ? 'No documents written yet.'
      : `Peak ${Math.round(Math.max(0, ...segments.map((segment) => segment.docsPerSecond))).toLocaleString('en')} docs/s, average ${Math.round((written * 1000) / writingMs).toLocaleString('en')} docs/s over ${duration(writingMs)} of writing.`;
  const svg =
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Documents per second over time. ${escape(summary)}">` +
    `<text class="axis-label" x="4" y="12">docs/s</text>${parts.join('')}` +
    `<line class="axis" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(0)}" y2="${y(0)}"/></svg>`;
  return { svg, summary: paces.length > 0 ? `${summary} The dashed line is the pace in force${paceNow(job)}.` : summary, segments };
}

/** The pace in force now as the job says it (the same figure the page shows beside the chart), or nothing once none is. */
function paceNow(job) {
  if (job.maxDocsPerSecond === null || job.maxDocsPerSecond === undefined) return '';
  return `, now ${job.maxDocsPerSecond === 0 ? 'unlimited' : `${Math.round(job.maxDocsPerSecond).toLocaleString('en')} docs/s`}`;
}
