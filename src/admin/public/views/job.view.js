// One job opened below the tables: its facts, its docs/s chart, its transitions, and a verify's or sync's report.

import { figure, h } from '../elements.js';
import { clock, dateTime, number, paceText, stateName } from '../format.js';
import { jobChart } from '../job-chart.js';
import { ACTIVE } from './jobs.view.js';
import { reportView } from './report.view.js';

/** What each kind of job does, for its panel's title. */
const WHAT = { FULL: 'full rebuild', PARTIAL: 'partial re-index', VERIFY: 'verify', SYNC: 'sync' };
/** The jobs that compare the index with MySQL (rows, then documents) and keep a report: no phase, pace or target. */
const CHECKS = { VERIFY: 'verify', SYNC: 'sync' };

/** The job's figures, name and value, as the #job-facts list shows them. */
export function jobFacts(job) {
  const counted = job.docsTotal ? `${number(job.docsProcessed)} / ${number(job.docsTotal)}` : number(job.docsProcessed);
  const writing = [
    ['Phase', job.phase ?? '—'],
    ['Documents', counted],
    ['Rate', job.docsPerSecond ? `${number(job.docsPerSecond)} docs/s` : '—'],
    ['ETA', job.etaSeconds !== null ? `${number(job.etaSeconds)} s` : '—'],
    ['Pace', paceText(job)],
    // Once no pace is in force (the backfill is over), the adaptive one is history: said so.
    ...(job.pace ? [[job.maxDocsPerSecond === null ? 'Adaptive pace, last decided' : 'Adaptive pace', `${job.pace.state}: ${job.pace.reason}`]] : []),
    ['Source → target', `${job.sourceIndex ?? '—'} → ${job.targetIndex ?? '—'}`],
  ];
  return [
    ['Status', `${job.status}${job.pausedBy ? ` (by ${job.pausedBy})` : ''}`],
    ...(CHECKS[job.kind] ? [['Compared', counted]] : writing),
    ['Retries', number(job.retries)],
    ['Runner', job.leaseOwner ?? '—'],
    ['Created', dateTime(job.createdAt)],
    ['Finished', dateTime(job.finishedAt)],
    ...(job.waitingFor ? [['Waiting for', job.waitingFor]] : []),
    ...(job.lastError ? [['Last error', job.lastError]] : []),
  ];
}

/** One line of the timeline: when, from which state to which, why, and who on which replica. */
function transitionItem(transition) {
  const from = transition.fromStatus ? stateName(transition.fromStatus, transition.fromPhase) : 'new';
  return h(
    'li',
    null,
    h('time', { datetime: transition.createdAt }, clock(transition.createdAt)),
    h('strong', null, `${from} → ${stateName(transition.toStatus, transition.toPhase)}`),
    `: ${transition.reason ?? ''} `,
    h('small', null, `(${transition.actor ? `${transition.actor} on ` : ''}${transition.instanceId ?? ''})`),
  );
}

const VERDICTS = {
  passed: 'Passed: the candidate searches as the live index does',
  blocked: 'Stopped before the swap: approve it (Approve… in the jobs table) or cancel it',
  reported: 'Crossed a threshold on queries derived from sampled documents, which only report',
  approved: 'Approved despite the failures below',
};

/** A top 10 as a numbered list of document ids; empty: "nothing found". */
function topList(side) {
  if (side.error) return h('span', { class: 'error' }, side.error);
  if (side.top.length === 0) return h('em', null, 'nothing found');
  return h('ol', { class: 'top' }, side.top.map((id) => h('li', null, h('code', null, id))));
}

/**
 * The #job-relevance section for the job's gate record (null: hidden): the verdict, the failures,
 * and each failing query with the live index's top 10 beside the candidate's.
 */
export function relevanceView(record) {
  if (!record) return null;
  const approval = record.approval ? ` (by ${record.approval.by ?? 'an operator'}, ${dateTime(record.approval.at)})` : '';
  const scores = [`mean top-10 overlap ${record.summary.meanTopOverlap ?? '—'}`, ...(record.summary.ndcg ? [`nDCG@10 ${record.summary.ndcg.current} → ${record.summary.ndcg.next}`] : [])];
  const failing = record.queries.filter((query) => record.failingQueries.includes(query.name));
  return {
    summary: `${VERDICTS[record.verdict]}${approval}. ${record.live} → ${record.candidate}, ${number(record.summary.queries)} ${record.querySet === 'derived' ? 'derived ' : ''}queries, ${scores.join(', ')}; compared ${dateTime(record.comparedAt)}.`,
    failures: record.failures.map((failure) => h('li', null, failure)),
    rows: failing.map((query) =>
      h('tr', null, h('th', { scope: 'row' }, query.name), h('td', { class: 'number' }, `${number(query.current.total)} → ${number(query.next.total)}`), h('td', null, topList(query.current)), h('td', null, topList(query.next))),
    ),
  };
}

/**
 * The #job panel for GET /jobs/:id's answer at `now`, with the progress samples the page recorded:
 * title, facts, the chart's SVG and caption, and the timeline's items.
 */
export function jobView(job, samples, now) {
  // A verify or a sync writes no documents to chart: its progress is the Compared figure.
  const chart = CHECKS[job.kind] ? null : jobChart(job, job.transitions, samples, now);
  return {
    title: `Job #${job.id}: ${WHAT[job.kind]} of ${job.alias}`,
    facts: jobFacts(job).map(([name, value]) => figure(name, value)),
    chart: chart?.svg ?? '',
    caption: chart ? `Documents per second over the job's time, phases below. ${chart.summary}${ACTIVE.includes(job.status) ? ' Updates while this stays open.' : ''}` : '',
    timeline: job.transitions.map(transitionItem),
    report: CHECKS[job.kind] && job.result ? reportView(CHECKS[job.kind], job.result, job.finishedAt) : null,
    relevance: relevanceView(job.relevance ?? null),
  };
}
