// The jobs table: one row per job, with the buttons its status allows; its filters and pages.

import { button, h } from '../elements.js';
import { number, paceText } from '../format.js';
import { jobHash } from '../route.js';

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
    ['PENDING', 'RUNNING'].includes(job.status) && button('Pause', `pause:${job.id}`, () => actions.pause(job), { changes: true }),
    job.status === 'PAUSED' && job.pausedBy === 'relevance-gate' && button('Approve…', `approve:${job.id}`, () => actions.approve(job), { changes: true }),
    job.status === 'PAUSED' && button('Resume', `resume:${job.id}`, () => actions.resume(job), { changes: true }),
    active && button('Cancel…', `cancel:${job.id}`, () => actions.cancel(job), { changes: true }),
    job.kind === 'FULL' && active && button('Pace…', `pace:${job.id}`, () => actions.rethrottle(job), { changes: true }),
  ];
}

/**
 * The rows of #jobs; `actions` holds pause, resume, approve, cancel and rethrottle. A job's number links to
 * its panel (`#/jobs/<id>`): a link, so it can be copied, opened in a new tab, and left with the back button.
 */
export function jobsView(jobs, actions) {
  return jobs.map((job) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, h('a', { href: jobHash(job.id), 'data-key': `open:${job.id}` }, `#${job.id}`)),
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

/** The options of the #jobs-alias filter: any alias, each one, and the one chosen even when no index has it any more. */
export function aliasOptions(aliases, chosen) {
  const listed = chosen && !aliases.includes(chosen) ? [...aliases, chosen] : aliases;
  return [h('option', { value: '' }, 'all'), ...listed.map((alias) => h('option', { value: alias, selected: alias === chosen }, alias))];
}

/** Which jobs a page of `list` holds, in words. */
function pageNote(list, count) {
  const matching = list.filters.alias || list.filters.status ? ' matching the filters' : '';
  const older = list.before === null ? '' : ` older than #${list.before}`;
  if (count === 0) return `No jobs${older}${matching}.`;
  const jobs = `${number(count)} ${count === 1 ? 'job' : 'jobs'}`;
  return list.before === null ? `The newest ${jobs}${matching}.` : `${jobs}${older}${matching}.`;
}

/**
 * The #jobs-pager line for `page` (GET /jobs's `{ jobs, next }`) read for `list`: which jobs these
 * are, and the way to newer and older pages. `actions` holds newerJobs and olderJobs(next).
 */
export function jobsPager(list, page, actions) {
  const buttons = [
    list.before !== null && button('Newer', 'jobs-newer', () => actions.newerJobs()),
    page.next !== null && button('Older', 'jobs-older', () => actions.olderJobs(page.next)),
  ].filter(Boolean);
  return [pageNote(list, page.jobs.length), ...buttons.flatMap((element) => [' ', element])];
}
