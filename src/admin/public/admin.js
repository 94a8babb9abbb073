// The admin console's entry point: owns the page's state and the poll loop, and wires the modules
// (api-client, views through panels, actions) to the page. Plain DOM over the REST API, no build step.

import { deadLetterActions } from './actions/dead-letter-actions.js';
import { indexActions } from './actions/index-actions.js';
import { jobActions } from './actions/job-actions.js';
import { migrationActions } from './actions/migration-actions.js';
import { physicalIndexActions } from './actions/physical-index-actions.js';
import { reportActions } from './actions/report-actions.js';
import { scheduleActions } from './actions/schedule-actions.js';
import { apiClient, apiPath, SignedOut } from './api-client.js';
import { wireDialogs } from './dialogs.js';
import { $, byKey, showError, showNotice } from './dom.js';
import { clock } from './format.js';
import { firstPage, jobsPath, newerPage, olderPage } from './jobs-list.js';
import { closeJob, showAudit, showClusters, showDeadLetters, showIndices, showJob, showJobAliases, showJobOpening, showJobs, showLive, showPhysicalIndices, showPlan, showSession } from './panels.js';
import { jobHash, jobOfHash } from './route.js';

const TOKEN_KEY = 'reindexer-token';
const REFRESH_MS = 2000;
// Listing physical indices asks every cluster for all its indices: every fifth refresh, and after a delete.
const PHYSICAL_EVERY = 5;
const MAX_SAMPLES = 2000;

const tokenInput = $('token');
// refused: the token was refused; polling waits for the next sign-in.
// busy: button key → its working label, kept across refreshes.
// hasNext: this replica has a next cluster (OPENSEARCH_NEXT_NODE), so the indices offer a comparison and a migration.
// clusters: GET /clusters' rows, to name the cluster an alias is served from or moves to.
// openJob: the job the address opens (#/jobs/<id>); focusJob: its panel takes the focus once it is read.
// jobs: the jobs table's filters and page (jobs-list.js).
// deadLetterDepth: the dead-letter queue's depth when its first page was last read (null: read it again).
// session: who the token is (GET /session), read once per sign-in; physicalDue: refreshes until the physical indices are read again.
const state = {
  openJob: null,
  focusJob: false,
  jobs: firstPage({ alias: '', status: '' }),
  refreshing: false,
  refused: false,
  lastLag: {},
  busy: new Map(),
  indices: null,
  hasNext: false,
  clusters: [],
  clustersLoading: false,
  deadLetterDepth: null,
  session: null,
  physicalDue: 0,
};
const api = apiClient(() => tokenInput.value);

/** Marks the button `key` as working (disabled, `label`) until called again without a label; kept across refreshes. */
function setBusy(key, label) {
  if (label) state.busy.set(key, label);
  else state.busy.delete(key);
  const element = byKey(key);
  if (element) Object.assign(element, { disabled: Boolean(label), textContent: label || element.dataset.label });
}

/** Runs an operator action, says what happened (`done`: the notice, or a function of the answer giving it), and refreshes. */
async function run(action, done) {
  try {
    const result = await action();
    showNotice(typeof done === 'function' ? done(result) : done);
  } catch (error) {
    showError(error.message);
  }
  await refresh();
}

/** What the actions use of the page: the API, run, openJob, setBusy and the clusters as last read. */
const page = { api, run, openJob, setBusy, clusters: () => state.clusters };
const schedule = scheduleActions(page);
const pager = { newerJobs: () => showJobList(newerPage(state.jobs)), olderJobs: (next) => showJobList(olderPage(state.jobs, next)) };
const deadLetters = deadLetterActions(page, () => (state.deadLetterDepth = null));
const physical = physicalIndexActions(page, () => (state.physicalDue = 0));
const actions = { openJob, ...indexActions(page), ...reportActions(page), ...migrationActions(page), ...jobActions(page), ...pager, openSchedule: schedule.openSchedule };

// ---- one open job

const samplesKey = (id) => `reindexer-samples-${id}`;

/** Progress the page has seen: the persisted count at the time it was saved (the job's heartbeat). */
function recordSample(job) {
  const samples = JSON.parse(sessionStorage.getItem(samplesKey(job.id)) || '[]');
  const at = Date.parse(job.heartbeatAt);
  if (job.status === 'RUNNING' && at && at > (samples.at(-1)?.at ?? 0)) {
    samples.push({ at, docs: job.docsProcessed, pace: job.phase === 'BACKFILL' ? job.maxDocsPerSecond : null });
    sessionStorage.setItem(samplesKey(job.id), JSON.stringify(samples.slice(-MAX_SAMPLES)));
  }
  return samples;
}

/** Opens a job by its address, as its link does (hashchange → showRoute): the back button then closes it again. */
function openJob(id) {
  location.hash = jobHash(id);
}

/** Shows what the address says: the panel of the job `#/jobs/<id>` names, or none. */
function showRoute() {
  const id = jobOfHash(location.hash);
  if (id === state.openJob) return;
  state.openJob = id;
  if (id === null) {
    closeJob();
    return;
  }
  state.focusJob = true;
  showJobOpening(id);
  // Signed out, the poll that follows the sign-in reads it.
  if (tokenInput.value && !state.refused) refreshJob().catch((error) => showError(error.message));
}

async function refreshJob() {
  const id = state.openJob;
  if (id === null) return;
  const job = await api('GET', apiPath('jobs', id));
  // Closed, or another job opened, while this one was read.
  if (id !== state.openJob) return;
  showJob(job, recordSample(job));
  // Not while the console is still hidden (a reload reads the job before the rest): the next read focuses it.
  if (state.focusJob && !$('console').hidden) {
    state.focusJob = false;
    $('job-title').focus();
  }
}

// ---- the tables

function renderIndices(indices) {
  state.indices = indices;
  showIndices(indices, { busy: state.busy, hasNext: state.hasNext, clusters: state.clusters }, actions);
  showJobAliases(indices.map((index) => index.alias), state.jobs.filters.alias);
}

async function refreshJobs() {
  const list = state.jobs;
  const jobs = await api('GET', jobsPath(list));
  // Read for filters or a page the operator has left since: the request for the new ones shows theirs.
  if (list === state.jobs) showJobs(jobs, list, actions);
}

/** Shows another page or other filters at once, not at the next poll. */
function showJobList(list) {
  state.jobs = list;
  refreshJobs().catch((error) => showError(error.message));
}

// Apart from the rest of the refresh: a next cluster that does not answer can take the client's timeout, and must not hold up the page.
async function refreshClusters() {
  if (state.clustersLoading) return;
  state.clustersLoading = true;
  try {
    const report = await api('GET', '/clusters');
    state.hasNext = showClusters(report);
    state.clusters = report.clusters;
    // The indices name their clusters and offer a migration from these: redrawn only when they changed.
    if (state.indices) renderIndices(state.indices);
  } catch (error) {
    $('clusters-note').textContent = `Not read: ${error.message}`;
  } finally {
    state.clustersLoading = false;
  }
}

// ---- the dead letters

/**
 * Reading the dead-letter queue holds its messages for a moment (and flags them redelivered), so
 * the first page is read again only when the queue's depth changed or after an action, not every refresh.
 */
async function refreshDeadLetters(depth) {
  if (depth === undefined || depth === state.deadLetterDepth) return;
  const page = await api('GET', '/dead-letters?limit=50');
  state.deadLetterDepth = depth;
  showDeadLetters(page, deadLetters, state.busy);
}

// ---- the physical indices

async function refreshPhysicalIndices() {
  if (state.physicalDue-- > 0) return;
  state.physicalDue = PHYSICAL_EVERY - 1;
  showPhysicalIndices(await api('GET', '/physical-indices'), physical, state.busy);
}

// ---- the poll loop

async function refresh() {
  if (!tokenInput.value || state.refused || state.refreshing) return;
  state.refreshing = true;
  try {
    const [indices] = await Promise.all([api('GET', '/indices'), refreshJobs()]);
    if (!state.session) {
      state.session = await api('GET', '/session');
      showSession(state.session);
    }
    $('console').hidden = false;
    signedIn(true);
    renderIndices(indices);
    void refreshClusters();
    const [live, job, plan] = await Promise.allSettled([api('GET', '/live-updates/status'), refreshJob(), api('GET', '/indices/plan')]);
    if (live.status === 'fulfilled') state.lastLag = showLive(live.value, state.lastLag);
    if (plan.status === 'fulfilled') showPlan(plan.value);
    const [letters, physicalIndices, audit] = await Promise.allSettled([
      refreshDeadLetters(live.value?.queues.value?.dead_letter),
      refreshPhysicalIndices(),
      api('GET', '/audit?limit=20').then(showAudit),
    ]);
    const failure = [live, job, plan, letters, physicalIndices, audit].find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    $('refreshed').textContent = `Updated ${clock(Date.now())}`;
  } catch (error) {
    if (error instanceof SignedOut) return;
    if (error.status === 401) refused();
    else showError(error.message);
  } finally {
    state.refreshing = false;
  }
}

function refused() {
  state.refused = true;
  forgetSession();
  $('console').hidden = true;
  signedIn(false);
  showError('The token was refused. Enter the value of ADMIN_API_TOKEN.');
  tokenInput.focus();
}

/** Signed in, the header offers Sign out only; signed out, the token field and Sign in only. */
function signedIn(yes) {
  $('sign-in').hidden = yes;
  $('token-hint').hidden = yes;
  $('sign-out').hidden = !yes;
}

/** The next refresh asks who the token is, and reads every panel anew. */
function forgetSession() {
  state.session = null;
  state.physicalDue = 0;
  state.deadLetterDepth = null;
  showSession(null);
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, tokenInput.value);
  forgetSession();
  state.refused = false;
  showError('');
  void refresh();
});
$('sign-out').addEventListener('click', () => {
  sessionStorage.clear();
  forgetSession();
  tokenInput.value = '';
  $('console').hidden = true;
  signedIn(false);
  tokenInput.focus();
});
$('schedule-form').addEventListener('submit', schedule.saveSchedule);
$('dead-letter-filter').addEventListener('submit', (event) => event.preventDefault());
$('dead-letter-requeue').addEventListener('click', deadLetters.requeueMatching);
$('dead-letter-purge').addEventListener('click', deadLetters.purgeMatching);
$('schedule-close').addEventListener('click', schedule.closeSchedule);
$('job-close').addEventListener('click', () => {
  // A new history entry without the hash: the back button opens the job again.
  history.pushState(null, '', location.pathname + location.search);
  showRoute();
});
$('jobs-filter').addEventListener('submit', (event) => event.preventDefault());
$('jobs-filter').addEventListener('change', () => showJobList(firstPage({ alias: $('jobs-alias').value, status: $('jobs-status').value })));
window.addEventListener('hashchange', showRoute);
wireDialogs();

tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || '';
showRoute();
void refresh();
setInterval(refresh, REFRESH_MS);
