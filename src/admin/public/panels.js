// Puts each view's elements into its place in index.html: the only module that writes the panels.

import { $, fill, rerender, reveal } from './dom.js';
import { auditNote, auditView } from './views/audit.view.js';
import { clustersSummary, clustersView } from './views/clusters.view.js';
import { deadLettersNote, deadLettersView } from './views/dead-letters.view.js';
import { comparisonView } from './views/comparison.view.js';
import { indicesView } from './views/indices.view.js';
import { jobView } from './views/job.view.js';
import { aliasOptions, jobsPager, jobsView } from './views/jobs.view.js';
import { liveFigures, liveNote, recentLag } from './views/live.view.js';
import { physicalIndicesNote, physicalIndicesView } from './views/physical-indices.view.js';
import { planNote, planView } from './views/plan.view.js';
import { scheduleForm } from './views/schedule.view.js';

/** Shows GET /live-updates/status; returns the lag totals to pass as `previousLag` next time. */
export function showLive(status, previousLag) {
  const lag = recentLag(status.lag, previousLag);
  fill($('live'), liveFigures(status, lag.mean));
  $('live-note').textContent = liveNote(status);
  return lag.totals;
}

/** Shows GET /dead-letters' first page; `busy` as the buttons take it. */
export function showDeadLetters(page, actions, busy) {
  rerender($('dead-letters').tBodies[0], [page.entries, [...busy]], () => deadLettersView(page, actions, busy));
  $('dead-letters-note').textContent = deadLettersNote(page);
}

/** Shows GET /physical-indices; `busy` as the buttons take it. */
export function showPhysicalIndices(clusters, actions, busy) {
  rerender($('physical-indices').tBodies[0], [clusters, [...busy]], () => physicalIndicesView(clusters, actions, busy));
  $('physical-indices-note').textContent = physicalIndicesNote(clusters);
}

/** Shows GET /audit's first page. */
export function showAudit(page) {
  rerender($('audit').tBodies[0], page.entries, () => auditView(page));
  $('audit-note').textContent = auditNote(page);
}

/** Says who is signed in; a viewer's page hides every button that asks for a change (admin.css). */
export function showSession(session) {
  $('session').textContent = session ? `Signed in as ${session.name} (${session.role})` : '';
  if (session) document.body.dataset.role = session.role;
  else delete document.body.dataset.role;
}

/** Shows GET /clusters; returns whether a next cluster is configured. */
export function showClusters(report) {
  rerender($('clusters').tBodies[0], report.clusters, () => clustersView(report.clusters));
  const { hasNext, problems, note, items } = clustersSummary(report);
  rerender($('cluster-problems'), problems, () => items);
  $('clusters-note').textContent = note;
  return hasNext;
}

/** Shows GET /indices; `context` as indicesView takes it, redrawn only when the rows or their context changed. */
export function showIndices(indices, context, actions) {
  rerender($('indices').tBodies[0], [indices, [...context.busy], context.hasNext, context.clusters], () => indicesView(indices, context, actions));
}

/** Shows a page of GET /jobs (`{ jobs, next }`) read for `list` (jobs-list.js); `actions` as jobsView and jobsPager take them. */
export function showJobs(page, list, actions) {
  rerender($('jobs').tBodies[0], page.jobs, () => jobsView(page.jobs, actions));
  rerender($('jobs-pager'), [list, page.next, page.jobs.length], () => jobsPager(list, page, actions));
}

/** The alias filter's options: the aliases of GET /indices, `chosen` selected. */
export function showJobAliases(aliases, chosen) {
  rerender($('jobs-alias'), [aliases, chosen], () => aliasOptions(aliases, chosen));
}

export function showPlan(plans) {
  rerender($('plan').tBodies[0], plans, () => planView(plans));
  $('plan-note').textContent = planNote(plans);
}

/** Fills the open job's panel with GET /jobs/:id's answer and the progress samples seen so far. */
export function showJob(job, samples) {
  const view = jobView(job, samples, Date.now());
  $('job-title').textContent = view.title;
  fill($('job-facts'), view.facts);
  // Built by job-chart.js from numbers and escaped labels only: the one markup the page parses.
  $('job-chart').innerHTML = view.chart;
  $('job-chart-caption').textContent = view.caption;
  fill($('job-timeline'), view.timeline);
  $('job-report').hidden = view.report === null;
  if (view.report) {
    $('job-report-title').textContent = view.report.title;
    $('job-report-summary').textContent = view.report.summary;
    fill($('job-report-table').tBodies[0], view.report.rows);
  }
  $('job-relevance').hidden = view.relevance === null;
  if (view.relevance) {
    $('job-relevance-summary').textContent = view.relevance.summary;
    fill($('job-relevance-failures'), view.relevance.failures);
    fill($('job-relevance-queries').tBodies[0], view.relevance.rows);
  }
}

/** Opens the job's panel with its number until GET /jobs/:id answers. */
export function showJobOpening(id) {
  $('job').hidden = false;
  $('job-title').textContent = `Job #${id}`;
}

export function closeJob() {
  $('job').hidden = true;
}

export function showComparison(report) {
  const view = comparisonView(report, Date.now());
  $('comparison-title').textContent = view.title;
  $('comparison-summary').textContent = view.summary;
  fill($('comparison-figures'), view.figures);
  fill($('comparison-table').tBodies[0], view.rows);
  reveal($('comparison'));
}

/** Opens the schedule editor on an alias's schedule, focus on its first field. */
export function showSchedule(alias, schedule) {
  const form = scheduleForm(alias, schedule);
  $('schedule-title').textContent = form.title;
  $('schedule-enabled').checked = form.enabled;
  $('schedule-interval').value = form.intervalMinutes;
  $('schedule-mode').value = form.mode;
  $('schedule-runs').textContent = form.runs;
  $('schedule').hidden = false;
  $('schedule-enabled').focus();
}

/** The schedule editor's values, as PUT /indices/:alias/schedule takes them. */
export const scheduleEntered = () => ({ enabled: $('schedule-enabled').checked, intervalMinutes: Number($('schedule-interval').value), mode: $('schedule-mode').value });

export function showScheduleRuns(runs) {
  $('schedule-runs').textContent = runs;
}

export function closeSchedule() {
  $('schedule').hidden = true;
}
