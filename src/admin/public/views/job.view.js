// One job opened below the tables: its facts, its docs/s chart and its transitions.

import { figure, h } from '../elements.js';
import { clock, dateTime, number, paceText, stateName } from '../format.js';
import { jobChart } from '../job-chart.js';
import { ACTIVE } from './jobs.view.js';

/** The job's figures, name and value, as the #job-facts list shows them. */
export function jobFacts(job) {
  return [
    ['Status', `${job.status}${job.pausedBy ? ` (by ${job.pausedBy})` : ''}`],
    ['Phase', job.phase ?? '—'],
    ['Documents', job.docsTotal ? `${number(job.docsProcessed)} / ${number(job.docsTotal)}` : number(job.docsProcessed)],
    ['Rate', job.docsPerSecond ? `${number(job.docsPerSecond)} docs/s` : '—'],
    ['ETA', job.etaSeconds !== null ? `${number(job.etaSeconds)} s` : '—'],
    ['Pace', paceText(job)],
    // Once no pace is in force (the backfill is over), the adaptive one is history: said so.
    ...(job.pace ? [[job.maxDocsPerSecond === null ? 'Adaptive pace, last decided' : 'Adaptive pace', `${job.pace.state}: ${job.pace.reason}`]] : []),
    ['Source → target', `${job.sourceIndex ?? '—'} → ${job.targetIndex ?? '—'}`],
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

/**
 * The #job panel for GET /jobs/:id's answer at `now`, with the progress samples the page recorded:
 * title, facts, the chart's SVG and caption, and the timeline's items.
 */
export function jobView(job, samples, now) {
  const chart = jobChart(job, job.transitions, samples, now);
  return {
    title: `Job #${job.id}: ${job.kind === 'FULL' ? 'full rebuild' : 'partial re-index'} of ${job.alias}`,
    facts: jobFacts(job).map(([name, value]) => figure(name, value)),
    chart: chart.svg,
    caption: `Documents per second over the job's time, phases below. ${chart.summary}${ACTIVE.includes(job.status) ? ' Updates while this stays open.' : ''}`,
    timeline: job.transitions.map(transitionItem),
  };
}
