// The admin console's entry point: owns the page's state and the poll loop, and wires the modules
// (api-client, views through panels, actions) to the page. Plain DOM over the REST API, no build step.

import { indexActions } from './actions/index-actions.js';
import { jobActions } from './actions/job-actions.js';
import { migrationActions } from './actions/migration-actions.js';
import { reportActions } from './actions/report-actions.js';
import { scheduleActions } from './actions/schedule-actions.js';
import { apiClient, apiPath } from './api-client.js';
import { wireDialogs } from './dialogs.js';
import { $, byKey, showError, showNotice } from './dom.js';
import { clock } from './format.js';
import { closeJob, showClusters, showIndices, showJob, showJobOpening, showJobs, showLive, showPlan } from './panels.js';

const TOKEN_KEY = 'reindexer-token';
const REFRESH_MS = 2000;
const MAX_SAMPLES = 2000;

const tokenInput = $('token');
// refused: the token was refused; polling waits for the next sign-in.
// busy: button key → its working label, kept across refreshes.
// hasNext: this replica has a next cluster (OPENSEARCH_NEXT_NODE), so the indices offer a comparison and a migration.
// clusters: GET /clusters' rows, to name the cluster an alias is served from or moves to.
const state = { openJob: null, refreshing: false, refused: false, lastLag: {}, busy: new Map(), indices: null, hasNext: false, clusters: [], clustersLoading: false };
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
const actions = { openJob, ...indexActions(page), ...reportActions(page), ...migrationActions(page), ...jobActions(page), openSchedule: schedule.openSchedule };

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

function openJob(id) {
  state.openJob = id;
  showJobOpening(id);
  refreshJob().then(() => $('job-title').focus(), (error) => showError(error.message));
}

async function refreshJob() {
  if (state.openJob === null) return;
  const job = await api('GET', apiPath('jobs', state.openJob));
  showJob(job, recordSample(job));
}

// ---- the tables

function renderIndices(indices) {
  state.indices = indices;
  showIndices(indices, { busy: state.busy, hasNext: state.hasNext, clusters: state.clusters }, actions);
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

// ---- the poll loop

async function refresh() {
  if (!tokenInput.value || state.refused || state.refreshing) return;
  state.refreshing = true;
  try {
    const [indices, jobs] = await Promise.all([api('GET', '/indices'), api('GET', '/jobs')]);
    $('console').hidden = false;
    signedIn(true);
    renderIndices(indices);
    showJobs(jobs, actions);
    void refreshClusters();
    const [live, job, plan] = await Promise.allSettled([api('GET', '/live-updates/status'), refreshJob(), api('GET', '/indices/plan')]);
    if (live.status === 'fulfilled') state.lastLag = showLive(live.value, state.lastLag);
    if (plan.status === 'fulfilled') showPlan(plan.value);
    const failure = [live, job, plan].find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    $('refreshed').textContent = `Updated ${clock(Date.now())}`;
  } catch (error) {
    if (error.status === 401) refused();
    else showError(error.message);
  } finally {
    state.refreshing = false;
  }
}

function refused() {
  state.refused = true;
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

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, tokenInput.value);
  state.refused = false;
  showError('');
  void refresh();
});
$('sign-out').addEventListener('click', () => {
  sessionStorage.clear();
  tokenInput.value = '';
  $('console').hidden = true;
  signedIn(false);
  tokenInput.focus();
});
$('schedule-form').addEventListener('submit', schedule.saveSchedule);
$('schedule-close').addEventListener('click', schedule.closeSchedule);
$('job-close').addEventListener('click', () => {
  closeJob();
  state.openJob = null;
});
wireDialogs();

tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || '';
void refresh();
setInterval(refresh, REFRESH_MS);
