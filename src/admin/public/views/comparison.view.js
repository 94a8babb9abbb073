// The comparison of one alias on both clusters: the same searches, their hits, overlap and latency.

import { figure, h } from '../elements.js';
import { clock, engineName, milliseconds, number, percent } from '../format.js';

const QUERIES_FROM = { sample: 'made from documents sampled from the current cluster', set: "from the alias's query set" };

function figures(summary) {
  const latency = (name) => `${milliseconds(summary.latencyMs.current[name])} / ${milliseconds(summary.latencyMs.next[name])} ms`;
  return [
    figure('Queries', number(summary.queries)),
    figure('Failed', number(summary.failed), summary.failed > 0 ? 'bad' : ''),
    figure('Same hit counts', `${number(summary.sameTotal)} / ${number(summary.queries)}`, summary.sameTotal < summary.queries ? 'warn' : ''),
    figure('Mean top-10 overlap', percent(summary.meanTopOverlap), summary.meanTopOverlap !== null && summary.meanTopOverlap < 1 ? 'warn' : ''),
    figure('p50 current / next', latency('p50')),
    figure('p95 current / next', latency('p95')),
  ];
}

function row(query) {
  const errors = ['current', 'next'].filter((role) => query[role].error).map((role) => `${role}: ${query[role].error}`);
  const rank = query.rankDifference ? `${number(query.rankDifference.mean)} / ${number(query.rankDifference.max)}` : '—';
  const cell = (value) => h('td', { class: 'number' }, value);
  return h(
    'tr',
    { class: query.sameTotal ? '' : 'differs' },
    h('th', { scope: 'row' }, h('details', null, h('summary', null, query.name), h('code', null, JSON.stringify(query.body)))),
    cell(number(query.current.total)),
    cell(number(query.next.total)),
    cell(percent(query.topOverlap)),
    cell(rank),
    cell(milliseconds(query.current.latencyMs?.p50)),
    cell(milliseconds(query.current.latencyMs?.p95)),
    cell(milliseconds(query.next.latencyMs?.p50)),
    cell(milliseconds(query.next.latencyMs?.p95)),
    h('td', { class: 'error' }, errors.join('\n')),
  );
}

/** The #comparison panel for POST /indices/:alias/compare's answer at `now`: title, summary, figures and the rows of its table. */
export function comparisonView(report, now) {
  const { summary } = report;
  return {
    title: `Comparison of ${report.alias} at ${clock(now)}`,
    summary:
      `Current: ${engineName(report.clusters.current)}. Next: ${engineName(report.clusters.next)}. ` +
      `${number(summary.queries)} queries ${QUERIES_FROM[report.queriesFrom] ?? 'as given'}, ` +
      `each timed ${number(report.repeat)} times on each cluster after one untimed run.`,
    figures: figures(summary),
    rows: report.queries.map(row),
  };
}
