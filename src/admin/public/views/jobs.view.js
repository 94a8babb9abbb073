// The jobs table: one row per job, with the buttons its status allows.

import { button, h } from '../elements.js';
import { number, paceText } from '../format.js';

/** Statuses a job can still be paused, resumed or cancelled in. */
export const ACTIVE = ['PENDING', 'RUNNING', 'PAUSED'];

/** Documents written, as a bar with the count when the total is known. */
export function progress(job) {
  if (!job.docsTotal) return [number(job.docsProcessed)];
  const share = Math.floor((job.docsProcessed / job.docsTotal) * 100);
  return [h('progress', { max: job.docsTotal, value: job.docsProcessed, 'aria-label': `job ${job.id}: ${share}%` }), ` ${number(job.docsProcessed)} / ${number(job.docsTotal)}`];
}

/** The rate and time left while it writes, then the pace in force below. */
function rate(job) {
  return [
    job.docsPerSecond ? `${number(job.docsPerSecond)}/s, ${number(job.etaSeconds)} s left` : '',
    job.maxDocsPerSecond === null ? null : [h('br'), h('small', null, paceText(job))],
  ];
}

function jobButtons(job, actions) {
  const active = ACTIVE.includes(job.status);
  return [
    ['PENDING', 'RUNNING'].includes(job.status) && button('Pause', `pause:${job.id}`, () => actions.pause(job)),
    job.status === 'PAUSED' && button('Resume', `resume:${job.id}`, () => actions.resume(job)),
    active && button('Cancel…', `cancel:${job.id}`, () => actions.cancel(job)),
    job.kind === 'FULL' && active && button('Pace…', `pace:${job.id}`, () => actions.rethrottle(job)),
  ];
}

/** The rows of #jobs; `actions` holds openJob, pause, resume, cancel and rethrottle. */
export function jobsView(jobs, actions) {
  return jobs.map((job) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, button(`#${job.id}`, `open:${job.id}`, () => actions.openJob(job.id), { className: 'link' })),
      h('td', null, h('code', null, job.alias)),
      h('td', null, job.kind),
      h('td', null, job.trigger),
      h('td', { class: job.status }, job.status),
      h('td', null, job.phase ?? ''),
      h('td', null, progress(job)),
      h('td', null, rate(job)),
      h('td', null, job.lastError ?? ''),
      h('td', null, jobButtons(job, actions)),
    ),
  );
}
