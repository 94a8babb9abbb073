// The admin console: plain DOM over the REST API, with the admin token as a Bearer token.
import { jobChart } from '/admin/job-chart.js';

const TOKEN_KEY = 'reindexer-token';
const REFRESH_MS = 2000;
const ACTIVE = ['PENDING', 'RUNNING', 'PAUSED'];
const MAX_SAMPLES = 2000;

const $ = (id) => document.getElementById(id);
const tokenInput = $('token');
// refused: the token was refused; polling waits for the next sign-in.
// hasNext: this replica has a next cluster (OPENSEARCH_NEXT_NODE), so the indices offer a comparison and a migration.
// clusters: GET /clusters' rows, to name the cluster an alias is served from or moves to.
const state = { openJob: null, scheduleAlias: null, refreshing: false, refused: false, lastLag: {}, busy: new Map(), indices: null, hasNext: false, clusters: [], clustersLoading: false };

class ApiError extends Error {
  constructor(status, payload) {
    super(`${payload.code || status}: ${[].concat(payload.message || '').join('; ')}`);
    this.status = status;
    this.payload = payload;
  }
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${tokenInput.value}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, payload);
  return payload;
}

const text = (value) => String(value ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const number = (value) => (value === null || value === undefined ? '—' : Number(value).toLocaleString('en'));
const clock = (value) => (value ? new Date(value).toLocaleTimeString('sv-SE') : '—');
// sv-SE writes ISO-like dates (2026-12-02 10:00:00), in the browser's time zone.
const dateTime = (value) => (value ? new Date(value).toLocaleString('sv-SE') : '—');
const milliseconds = (value) => (value === null || value === undefined ? '—' : Number(value).toLocaleString('en', { maximumFractionDigits: 1 }));
const percent = (share) => (share === null || share === undefined ? '—' : `${Math.round(share * 100)} %`);
const path = (...parts) => '/' + parts.map((part) => encodeURIComponent(part)).join('/');

/** Sets a live region's text only when it changes, so a screen reader does not hear the same line every refresh. */
function say(region, message) {
  if ($(region).textContent !== message) $(region).textContent = message;
}

function showError(message) {
  say('error', message);
}

function showNotice(message) {
  say('notice', message);
  showError('');
}

/** A button whose `key` survives re-rendering, so keyboard focus stays on it across refreshes. */
function button(label, key, handler, className = '') {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  element.dataset.key = key;
  element.dataset.label = label;
  if (className) element.className = className;
  element.addEventListener('click', handler);
  const busy = state.busy.get(key);
  if (busy) Object.assign(element, { disabled: true, textContent: busy });
  return element;
}

const byKey = (key) => document.querySelector(`[data-key="${CSS.escape(key)}"]`);

/** Marks the button `key` as working (disabled, `label`) until called again without a label; kept across refreshes. */
function setBusy(key, label) {
  if (label) state.busy.set(key, label);
  else state.busy.delete(key);
  const element = byKey(key);
  if (element) Object.assign(element, { disabled: Boolean(label), textContent: label || element.dataset.label });
}

/** Opens a modal dialog; when it closes, focus goes back to the button that opened it, even if a refresh replaced it. */
function openDialog(dialog, answer) {
  const returnKey = document.activeElement?.dataset?.key;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) =>
    dialog.addEventListener('close', () => {
      resolve(answer(dialog.returnValue === 'ok'));
      if (returnKey) byKey(returnKey)?.focus();
    }, { once: true }),
  );
}

/** Replaces the rows of `container` when `data` changed since the last time (a screen reader is not told the same rows again). */
function rerender(container, data, rows) {
  const signature = JSON.stringify(data);
  if (container.dataset.signature === signature) return;
  container.dataset.signature = signature;
  const focused = container.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
  container.replaceChildren(...rows());
  if (focused) byKey(focused)?.focus();
}

/** Resolves true when the operator confirms in the modal dialog. */
function confirmAction({ title, message, ok }) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = message;
  $('confirm-ok').textContent = ok;
  return openDialog(dialog, (confirmed) => confirmed);
}

/** Resolves the value entered in the modal dialog, or null when cancelled. */
function ask({ title, label, ok, value = '', inputMode = 'text' }) {
  const dialog = $('ask');
  const input = $('ask-input');
  $('ask-title').textContent = title;
  $('ask-label').textContent = label;
  $('ask-ok').textContent = ok;
  input.value = value;
  input.inputMode = inputMode;
  return openDialog(dialog, (confirmed) => (confirmed ? input.value.trim() : null));
}

/** Runs an operator action, says what happened, and refreshes. */
async function run(action, done) {
  try {
    const result = await action();
    showNotice(typeof done === 'function' ? done(result) : done);
  } catch (error) {
    showError(error.message);
  }
  await refresh();
}

// ---------------------------------------------------------------- indices

async function fullRebuild(index) {
  const ok = await confirmAction({
    title: `Full rebuild of ${index.alias}?`,
    message: `Builds a new index of ${index.alias} from MySQL and swaps the alias to it once it is complete and verified. ${index.liveIndex ?? 'The live index'} keeps serving searches until then. If a rebuild is already active, that job is shown instead.`,
    ok: 'Rebuild',
  });
  if (!ok) return;
  await run(() => api('POST', path('indices', index.alias, 'reindex'), { mode: 'full' }), (job) => {
    openJob(job.id);
    return job.created === false ? `A rebuild of ${index.alias} was already active: job #${job.id}.` : `Full rebuild of ${index.alias} started: job #${job.id}.`;
  });
}

async function adopt(index) {
  const ok = await confirmAction({
    title: `Adopt ${index.alias}?`,
    message: `${index.alias} is an index the service did not create. Adopting builds ${index.alias} from MySQL; at the swap the old index is write-blocked, copied to ${index.alias}_adopted_<job id> (kept, never deleted by the service) and replaced by the alias in one step. It keeps serving until then.`,
    ok: 'Adopt',
  });
  if (!ok) return;
  await run(() => api('POST', path('indices', index.alias, 'adopt')), (job) => {
    openJob(job.id);
    return `Adoption of ${index.alias}: job #${job.id}.`;
  });
}

async function partial(index) {
  const ids = await ask({ title: `Re-index rows of ${index.alias}`, label: 'Row ids, separated by commas or spaces', ok: 'Re-index', inputMode: 'numeric' });
  if (!ids) return;
  const list = ids.split(/[\s,]+/).filter(Boolean).map(Number);
  await run(() => api('POST', path('indices', index.alias, 'reindex'), { mode: 'partial', ids: list }), (job) => `Partial job #${job.id} for ${list.length} ids of ${index.alias}.`);
}

async function rollback(index) {
  const ok = await confirmAction({
    title: `Roll ${index.alias} back?`,
    message: `Moves ${index.alias} from ${index.liveIndex} back to the index it served before its last swap (kept by REINDEX_RETAIN_PREVIOUS). The code's definition is then not rebuilt by deploy checks or schedules until a deploy changes it; a manual full rebuild still rebuilds it.`,
    ok: 'Roll back',
  });
  if (ok) await run(() => api('POST', path('indices', index.alias, 'rollback')), (result) => `${index.alias} now serves ${result.toIndex ?? 'the previous index'}.`);
}

async function compare(alias, kind) {
  const key = `${kind}:${alias}`;
  setBusy(key, kind === 'verify' ? 'Verifying…' : 'Syncing…');
  try {
    const report = kind === 'verify' ? await api('GET', path('indices', alias, 'verify')) : await api('POST', path('indices', alias, 'sync'));
    showReport(kind, report);
    showNotice(`${kind === 'verify' ? 'Verify' : 'Sync'} of ${alias} done.`);
  } catch (error) {
    if (error.payload?.code === 'SYNC_INCOMPLETE') showReport(kind, error.payload);
    showError(error.message);
  } finally {
    setBusy(key, null);
  }
}

function showReport(kind, report) {
  const differences = report.missing.total + report.stale.total + report.extra.total;
  $('report-title').textContent = `${kind === 'verify' ? 'Verify' : 'Sync'} of ${report.alias} at ${clock(Date.now())}`;
  $('report-summary').textContent =
    `Source: ${number(report.sourceCount)} indexable rows. Index ${report.index}: ${number(report.indexCount)} documents. ` +
    (differences === 0 ? 'No differences.' : kind === 'verify' ? `${number(differences)} differences.` : `${number(differences)} differences found and repaired from MySQL.`);
  const rows = [
    ['Missing', report.missing],
    ['Stale', report.stale],
    ['Extra', report.extra],
    ...(report.unrepaired ? [['Not restored', report.unrepaired]] : []),
  ].map(([name, found]) => {
    const row = document.createElement('tr');
    row.className = found.total > 0 ? 'found' : '';
    const more = found.total > found.ids.length ? ` … and ${number(found.total - found.ids.length)} more` : '';
    row.innerHTML = `<th scope="row">${name}</th><td class="number">${number(found.total)}</td><td class="ids">${text(found.ids.join(', '))}${more}${found.reason ? `<br>${text(found.reason)}` : ''}</td>`;
    return row;
  });
  $('report-table').tBodies[0].replaceChildren(...rows);
  const section = $('report');
  section.hidden = false;
  section.scrollIntoView({ block: 'nearest' });
}

async function compareClusters(alias) {
  const answer = await ask({ title: `Compare ${alias} on both clusters`, label: 'Queries to sample from the current cluster, 1 to 100 (empty: the default, 20)', ok: 'Compare', inputMode: 'numeric' });
  if (answer === null) return;
  if (answer && !/^\d+$/.test(answer)) {
    showError(`Queries to sample: a whole number, not "${answer}".`);
    return;
  }
  const key = `compare-clusters:${alias}`;
  setBusy(key, 'Comparing…');
  try {
    showComparison(await api('POST', path('indices', alias, 'compare'), answer ? { sampleSize: Number(answer) } : {}));
    showNotice(`Comparison of ${alias} on both clusters done.`);
  } catch (error) {
    showError(error.message);
  } finally {
    setBusy(key, null);
  }
}

function showComparison(report) {
  const { summary } = report;
  const latency = (figure) => `${milliseconds(summary.latencyMs.current[figure])} / ${milliseconds(summary.latencyMs.next[figure])} ms`;
  $('comparison-title').textContent = `Comparison of ${report.alias} at ${clock(Date.now())}`;
  $('comparison-summary').textContent =
    `Current: ${engineName(report.clusters.current)}. Next: ${engineName(report.clusters.next)}. ` +
    `${number(summary.queries)} queries ${report.queriesFrom === 'sample' ? 'made from documents sampled from the current cluster' : 'as given'}, ` +
    `each timed ${number(report.repeat)} times on each cluster after one untimed run.`;
  $('comparison-figures').replaceChildren(
    figure('Queries', number(summary.queries)),
    figure('Failed', number(summary.failed), summary.failed > 0 ? 'bad' : ''),
    figure('Same hit counts', `${number(summary.sameTotal)} / ${number(summary.queries)}`, summary.sameTotal < summary.queries ? 'warn' : ''),
    figure('Mean top-10 overlap', percent(summary.meanTopOverlap), summary.meanTopOverlap !== null && summary.meanTopOverlap < 1 ? 'warn' : ''),
    figure('p50 current / next', latency('p50')),
    figure('p95 current / next', latency('p95')),
  );
  $('comparison-table').tBodies[0].replaceChildren(...report.queries.map((query) => {
    const row = document.createElement('tr');
    row.className = query.sameTotal ? '' : 'differs';
    const errors = ['current', 'next'].filter((role) => query[role].error).map((role) => `${role}: ${query[role].error}`);
    const rank = query.rankDifference ? `${number(query.rankDifference.mean)} / ${number(query.rankDifference.max)}` : '—';
    row.innerHTML = `<th scope="row"><details><summary>${text(query.name)}</summary><code>${text(JSON.stringify(query.body))}</code></details></th>
      <td class="number">${number(query.current.total)}</td><td class="number">${number(query.next.total)}</td>
      <td class="number">${percent(query.topOverlap)}</td><td class="number">${rank}</td>
      <td class="number">${milliseconds(query.current.latencyMs?.p50)}</td><td class="number">${milliseconds(query.current.latencyMs?.p95)}</td>
      <td class="number">${milliseconds(query.next.latencyMs?.p50)}</td><td class="number">${milliseconds(query.next.latencyMs?.p95)}</td>
      <td class="error">${text(errors.join('\n'))}</td>`;
    return row;
  }));
  const section = $('comparison');
  section.hidden = false;
  section.scrollIntoView({ block: 'nearest' });
}

function scheduleSummary(schedule) {
  if (!schedule) return 'none';
  const what = `every ${number(schedule.intervalMinutes)} min, ${schedule.mode === 'SYNC' ? 'sync' : 'full rebuild'}`;
  return schedule.enabled ? `${what}; next ${dateTime(schedule.nextRunAt)}` : `off (${what})`;
}

async function openSchedule(alias) {
  try {
    const schedule = await api('GET', path('indices', alias, 'schedule'));
    state.scheduleAlias = alias;
    $('schedule-title').textContent = `Schedule of ${alias}`;
    $('schedule-enabled').checked = schedule.enabled;
    $('schedule-interval').value = schedule.intervalMinutes ?? 1440;
    $('schedule-mode').value = schedule.mode === 'SYNC' ? 'sync' : 'full';
    $('schedule-runs').textContent = schedule.nextRunAt ? `Next run ${dateTime(schedule.nextRunAt)}; last run ${dateTime(schedule.lastRunAt)}.` : 'No schedule yet.';
    $('schedule').hidden = false;
    $('schedule-enabled').focus();
  } catch (error) {
    showError(error.message);
  }
}

async function saveSchedule(event) {
  event.preventDefault();
  const alias = state.scheduleAlias;
  const body = { enabled: $('schedule-enabled').checked, intervalMinutes: Number($('schedule-interval').value), mode: $('schedule-mode').value };
  await run(() => api('PUT', path('indices', alias, 'schedule'), body), (saved) => {
    $('schedule-runs').textContent = saved.nextRunAt ? `Saved. Next run ${dateTime(saved.nextRunAt)}; last run ${dateTime(saved.lastRunAt)}.` : 'Saved.';
    return `Schedule of ${alias}: ${scheduleSummary(saved)}.`;
  });
}

// ---------------------------------------------------------------- cluster migration

/** States an abort may still be asked in (ABORTING and RETIRING are driven to their end by the service). */
const ABORTABLE = ['BUILDING', 'MIRRORING', 'CUT_OVER'];

const described = (cluster) => `${cluster.role} (${engineName(cluster.info)})`;

/** A cluster by its UUID as the clusters panel shows it (role and engine), or the bare UUID until GET /clusters answers. */
function clusterName(uuid) {
  const cluster = state.clusters.find((candidate) => candidate.info?.clusterUuid === uuid);
  return cluster ? described(cluster) : uuid;
}

/** The cluster the alias is served from, then what its migration is doing and the share of reads it sends to the next cluster. */
function clusterCell(index) {
  const { cluster, migration } = index;
  const served = cluster ? text(clusterName(cluster)) : '—';
  if (!migration) return served;
  const doing = {
    BUILDING: `building on ${clusterName(migration.toClusterUuid)}`,
    MIRRORING: `mirroring to ${clusterName(migration.toClusterUuid)}`,
    CUT_OVER: `cut over; old index kept on ${clusterName(migration.fromClusterUuid)}`,
    ABORTING: `going back to ${clusterName(migration.fromClusterUuid)}`,
    RETIRING: `deleting the old index on ${clusterName(migration.fromClusterUuid)}`,
  }[migration.state];
  const waiting = migration.waitingFor ? `; waiting for ${migration.waitingFor}` : '';
  return `${served}<br><span class="${text(migration.state)}">${text(migration.state)}</span> <small>${text(doing)}; reads to next: ${number(migration.readsNextPercent)} %${text(waiting)}</small>`;
}

/** A migration step: confirmed first, then sent with its button busy until the answer is in. */
async function migrationStep(key, busy, question, request, done) {
  if (!(await confirmAction(question))) return;
  setBusy(key, busy);
  try {
    await run(request, done);
  } finally {
    setBusy(key, null);
  }
}

function migrate({ alias }) {
  const next = state.clusters.find((cluster) => cluster.role === 'next' && cluster.info);
  return migrationStep(
    `migrate:${alias}`,
    'Starting…',
    {
      title: `Migrate ${alias} to the next cluster?`,
      message: `Builds ${alias} on ${next ? described(next) : 'the next cluster'} from MySQL, like a full rebuild, while every live change is written to both clusters. Searches stay where they are until you move reads or complete the migration; Abort migration goes back at any point before retirement.`,
      ok: 'Migrate',
    },
    () => api('POST', path('indices', alias, 'migrate')),
    ({ migration, job }) => {
      openJob(job.id);
      return `Migration of ${alias} to ${clusterName(migration.toClusterUuid)} started: job #${job.id} builds it there.`;
    },
  );
}

async function moveReads(index) {
  const { alias, migration } = index;
  const answer = await ask({
    title: `Reads of ${alias}`,
    label: `Percentage of searches applications send to ${clusterName(migration.toClusterUuid)}, 0 to 100`,
    ok: 'Move reads',
    value: String(migration.readsNextPercent),
    inputMode: 'numeric',
  });
  if (!answer) return;
  if (!/^\d+$/.test(answer)) {
    showError(`Percentage of searches: a whole number, not "${answer}".`);
    return;
  }
  await run(() => api('PUT', path('indices', alias, 'reads'), { next: Number(answer) }), (reads) =>
    `Searches of ${alias}: ${reads.clusters.map((cluster) => `${number(cluster.share)} % to ${clusterName(cluster.clusterUuid)}`).join(', ')}.`,
  );
}

function completeMigration({ alias, migration }) {
  const [from, to] = [clusterName(migration.fromClusterUuid), clusterName(migration.toClusterUuid)];
  return migrationStep(
    `complete:${alias}`,
    'Completing…',
    {
      title: `Complete the migration of ${alias}?`,
      message: `Cuts over: every search and every write of ${alias} goes to ${to} alone. The index on ${from} is kept, no longer written, until you retire it; until then Abort migration still goes back to it, re-synced from MySQL.`,
      ok: 'Complete',
    },
    () => api('POST', path('indices', alias, 'migration', 'complete')),
    () => `${alias} cut over: ${to} takes its searches and writes.`,
  );
}

function retire({ alias, migration }) {
  const [from, to] = [clusterName(migration.fromClusterUuid), clusterName(migration.toClusterUuid)];
  return migrationStep(
    `retire:${alias}`,
    'Retiring…',
    {
      title: `Retire ${alias} on ${from}?`,
      message: `Deletes every index of ${alias} on ${from}, the one it served and those kept for rollback, and ends the migration: ${to} serves ${alias} alone. The service does it in the background (RETIRING), once applications had time to leave ${from} and no mirrored write is left to replay. No abort after this.`,
      ok: 'Retire',
    },
    () => api('POST', path('indices', alias, 'migration', 'retire')),
    () => `${alias} is RETIRING: its indices on ${from} are deleted in the background, then ${to} serves it alone.`,
  );
}

function abortMigration({ alias, migration }) {
  const [from, to] = [clusterName(migration.fromClusterUuid), clusterName(migration.toClusterUuid)];
  const cutOver = migration.state === 'CUT_OVER';
  return migrationStep(
    `abort-migration:${alias}`,
    'Aborting…',
    {
      title: `Abort the migration of ${alias}?`,
      message: `Sends every search and write of ${alias} back to ${from} alone; the build job is cancelled and, once applications had time to leave ${to}, the index it built there is deleted. ${cutOver ? `The index on ${from} missed the writes since the cutover: it is re-synced from MySQL.` : `${from} is not touched.`} The service does this in the background (ABORTING).`,
      ok: 'Abort migration',
    },
    () => api('POST', path('indices', alias, 'migration', 'abort')),
    () => `Migration of ${alias} is ABORTING: ${from} takes its searches and writes again${cutOver ? ', re-synced from MySQL in the background' : ''}.`,
  );
}

/** The migration steps the row's state allows, in the order an operator takes them; a migration starts from the current cluster only. */
function migrationActions(index) {
  const { alias, migration } = index;
  if (!migration) {
    const current = state.clusters.find((cluster) => cluster.role === 'current')?.info?.clusterUuid;
    return state.hasNext && index.cluster === current ? [button('Migrate…', `migrate:${alias}`, () => migrate(index))] : [];
  }
  return [
    ...(migration.state === 'MIRRORING'
      ? [button('Reads to next…', `reads:${alias}`, () => moveReads(index)), button('Complete…', `complete:${alias}`, () => completeMigration(index))]
      : []),
    ...(migration.state === 'CUT_OVER' ? [button('Retire…', `retire:${alias}`, () => retire(index))] : []),
    ...(ABORTABLE.includes(migration.state) ? [button('Abort migration…', `abort-migration:${alias}`, () => abortMigration(index))] : []),
  ];
}

// ---------------------------------------------------------------- indices table

function renderIndices(indices) {
  state.indices = indices;
  rerender($('indices').tBodies[0], [indices, [...state.busy], state.hasNext, state.clusters], () => indices.map((index) => {
    const row = document.createElement('tr');
    const job = index.activeJob;
    row.innerHTML = `<th scope="row"><code>${text(index.alias)}</code></th><td><code>${text(index.liveIndex ?? '—')}</code></td>
      <td>${clusterCell(index)}</td>
      <td class="${text(index.drift)}">${text(index.drift)}${index.rollback ? `<br><small>rolled back from <code>${text(index.rollback.fromIndex)}</code></small>` : ''}</td>
      <td class="number">${number(index.documents)}</td><td></td><td>${text(scheduleSummary(index.schedule))}</td><td></td>`;
    if (job) row.cells[5].append(button(`#${job.id} ${job.phase ?? job.status}`, `index-job:${index.alias}`, () => openJob(job.id), 'link'));
    const actions = row.cells[7];
    actions.append(
      index.drift === 'legacy' ? button('Adopt…', `adopt:${index.alias}`, () => adopt(index)) : button('Full rebuild…', `rebuild:${index.alias}`, () => fullRebuild(index)),
      button('Partial…', `partial:${index.alias}`, () => partial(index)),
      button('Verify', `verify:${index.alias}`, () => compare(index.alias, 'verify')),
      button('Sync', `sync:${index.alias}`, () => compare(index.alias, 'sync')),
      button('Schedule…', `schedule:${index.alias}`, () => openSchedule(index.alias)),
      button('Roll back…', `rollback:${index.alias}`, () => rollback(index)),
    );
    if (state.hasNext) actions.append(button('Compare clusters…', `compare-clusters:${index.alias}`, () => compareClusters(index.alias)));
    actions.append(...migrationActions(index));
    return row;
  }));
}

// ---------------------------------------------------------------- plan

const CHANGE = { added: 'only in the code', removed: 'only live', changed: 'differs' };

function changeText(change) {
  const value = (v) => JSON.stringify(v);
  return `${change.path}: ${CHANGE[change.change]}${change.change === 'changed' ? ` (code ${value(change.code)}, live ${value(change.live)})` : change.change === 'added' ? ` (${value(change.code)})` : ` (${value(change.live)})`}`;
}

function renderPlan(plans) {
  rerender($('plan').tBodies[0], plans, () => plans.map((plan) => {
    const row = document.createElement('tr');
    const changes = plan.diff ? [...plan.diff.mappings.map((c) => ({ ...c, path: `mappings.${c.path}` })), ...plan.diff.settings] : [];
    row.innerHTML = `<th scope="row"><code>${text(plan.alias)}</code></th><td class="${text(plan.action)}"><strong>${text(plan.action)}</strong></td><td>${text(plan.reason)}</td><td></td>`;
    if (!plan.diff) row.cells[3].textContent = 'no live index';
    else if (changes.length === 0) row.cells[3].textContent = 'no difference';
    else {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = `${changes.length} difference${changes.length === 1 ? '' : 's'}`;
      const list = document.createElement('ul');
      list.append(...changes.map((change) => {
        const item = document.createElement('li');
        item.textContent = changeText(change);
        return item;
      }));
      details.append(summary, list);
      row.cells[3].append(details);
    }
    return row;
  }));
  const mode = plans[0]?.mode;
  $('plan-note').textContent = mode === 'observe' ? 'REINDEX_MODE=observe: the service only plans and reports; it writes nothing.' : 'What the deploy check does for each alias, and why.';
}

// ---------------------------------------------------------------- jobs

const PACE_SET_BY = { operator: ' (set by operator)', auto: ' (auto)', REINDEX_MAX_DOCS_PER_SECOND: '' };

function paceText(job) {
  if (job.maxDocsPerSecond === null) return '—';
  return `${job.maxDocsPerSecond === 0 ? 'unlimited' : `max ${number(job.maxDocsPerSecond)}/s`}${PACE_SET_BY[job.maxDocsPerSecondSetBy] ?? ''}`;
}

function pace(job) {
  return job.maxDocsPerSecond === null ? '' : `<br><small>${text(paceText(job))}</small>`;
}

function progress(job) {
  if (!job.docsTotal) return number(job.docsProcessed);
  const percent = Math.floor((job.docsProcessed / job.docsTotal) * 100);
  return `<progress max="${job.docsTotal}" value="${job.docsProcessed}" aria-label="job ${job.id}: ${percent}%"></progress> ${number(job.docsProcessed)} / ${number(job.docsTotal)}`;
}

async function cancel(job) {
  const ok = await confirmAction({
    title: `Cancel job #${job.id}?`,
    message:
      job.kind === 'FULL'
        ? `Stops the rebuild of ${job.alias} at once and removes the index it was building${job.targetIndex ? ` (${job.targetIndex})` : ''}. The alias stays where it is. A cancelled job cannot be resumed.`
        : `Stops the partial re-index of ${job.alias}; ids already written stay written. A cancelled job cannot be resumed.`,
    ok: 'Cancel job',
  });
  if (ok) await run(() => api('POST', path('jobs', job.id, 'cancel')), `Job #${job.id} cancelled.`);
}

async function rethrottle(job) {
  const rate = await ask({
    title: `Pace of job #${job.id}`,
    label: "Backfill documents per second (0 = unlimited, 'auto' = the service's pace)",
    ok: 'Set pace',
    value: job.maxDocsPerSecondSetBy === 'operator' ? String(job.maxDocsPerSecond) : 'auto',
  });
  if (!rate) return;
  const auto = rate.trim().toLowerCase() === 'auto';
  await run(
    () => api('PATCH', path('jobs', job.id), { maxDocsPerSecond: auto ? null : Number(rate) }),
    auto ? `Job #${job.id} back on the service's pace.` : `Job #${job.id} paced at ${rate === '0' ? 'unlimited' : `${rate} docs/s`}.`,
  );
}

function renderJobs(jobs) {
  rerender($('jobs').tBodies[0], jobs, () => jobs.map((job) => {
    const row = document.createElement('tr');
    row.innerHTML = `<th scope="row"></th><td><code>${text(job.alias)}</code></td><td>${job.kind}</td><td>${job.trigger}</td>
      <td class="${job.status}">${job.status}</td><td>${text(job.phase ?? '')}</td><td>${progress(job)}</td>
      <td>${job.docsPerSecond ? `${number(job.docsPerSecond)}/s, ${number(job.etaSeconds)} s left` : ''}${pace(job)}</td><td>${text(job.lastError ?? '')}</td><td></td>`;
    row.cells[0].append(button(`#${job.id}`, `open:${job.id}`, () => openJob(job.id), 'link'));
    const actions = row.cells[9];
    if (['PENDING', 'RUNNING'].includes(job.status)) actions.append(button('Pause', `pause:${job.id}`, () => run(() => api('POST', path('jobs', job.id, 'pause')), `Job #${job.id} paused.`)));
    if (job.status === 'PAUSED') actions.append(button('Resume', `resume:${job.id}`, () => run(() => api('POST', path('jobs', job.id, 'resume')), `Job #${job.id} resumed.`)));
    if (ACTIVE.includes(job.status)) actions.append(button('Cancel…', `cancel:${job.id}`, () => cancel(job)));
    if (job.kind === 'FULL' && ACTIVE.includes(job.status)) actions.append(button('Pace…', `pace:${job.id}`, () => rethrottle(job)));
    return row;
  }));
}

// ---------------------------------------------------------------- one job

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
  $('job').hidden = false;
  $('job-title').textContent = `Job #${id}`;
  refreshJob().then(() => $('job-title').focus(), (error) => showError(error.message));
}

async function refreshJob() {
  if (state.openJob === null) return;
  const job = await api('GET', path('jobs', state.openJob));
  const samples = recordSample(job);
  $('job-title').textContent = `Job #${job.id}: ${job.kind === 'FULL' ? 'full rebuild' : 'partial re-index'} of ${job.alias}`;
  const facts = [
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
  $('job-facts').replaceChildren(...facts.map(([name, value]) => {
    const item = document.createElement('div');
    item.innerHTML = `<dt>${text(name)}</dt><dd>${text(value)}</dd>`;
    return item;
  }));
  const chart = jobChart(job, job.transitions, samples, Date.now());
  // Built by job-chart.js from numbers and escaped labels only.
  $('job-chart').innerHTML = chart.svg;
  $('job-chart-caption').textContent = `Documents per second over the job's time, phases below. ${chart.summary}${ACTIVE.includes(job.status) ? ' Updates while this stays open.' : ''}`;
  $('job-timeline').replaceChildren(...job.transitions.map((transition) => {
    const item = document.createElement('li');
    const from = transition.fromStatus ? `${transition.fromStatus}${transition.fromPhase ? `/${transition.fromPhase}` : ''}` : 'new';
    const to = `${transition.toStatus}${transition.toPhase ? `/${transition.toPhase}` : ''}`;
    item.innerHTML = `<time datetime="${text(transition.createdAt)}">${clock(transition.createdAt)}</time><strong>${text(from)} → ${text(to)}</strong>: ${text(transition.reason)} <small>(${transition.actor ? `${text(transition.actor)} on ` : ''}${text(transition.instanceId)})</small>`;
    return item;
  }));
}

// ---------------------------------------------------------------- live updates

function figure(name, value, level = '') {
  const item = document.createElement('div');
  if (level) item.className = level;
  item.innerHTML = `<dt>${text(name)}</dt><dd>${text(value)}</dd>`;
  return item;
}

const seconds = (value) => (value === null || value === undefined ? '—' : value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(1)} s`);

/** Mean lag of the changes written since the previous refresh. */
function recentLag(lag) {
  const count = lag.rabbitmq.count + lag.outbox.count;
  const sum = lag.rabbitmq.sumSeconds + lag.outbox.sumSeconds;
  const previous = state.lastLag;
  state.lastLag = { count, sum };
  if (previous.count === undefined || count <= previous.count) return null;
  return (sum - previous.sum) / (count - previous.count);
}

function renderLive(status) {
  const total = (outcome) => status.changes.rabbitmq[outcome] + status.changes.outbox[outcome];
  const queues = status.queues.value;
  const lagP95 = Math.max(status.lag.rabbitmq.p95Seconds ?? 0, status.lag.outbox.p95Seconds ?? 0);
  const recent = recentLag(status.lag);
  const connected = ['connected', 'unblocked'].includes(status.consumer);
  $('live').replaceChildren(
    figure('Consumer', status.consumer, connected ? '' : 'bad'),
    figure('Queue (ready)', queues ? number(queues.live) : 'unknown', queues ? '' : 'bad'),
    figure('Retry queue', queues ? number(queues.retry) : 'unknown', queues?.retry > 0 ? 'warn' : ''),
    figure('Dead-letter queue', queues ? number(queues.dead_letter) : 'unknown', queues?.dead_letter > 0 ? 'bad' : ''),
    figure('Outbox backlog', status.outbox === null ? 'off' : status.outbox.value ? `${number(status.outbox.value.rows)} (oldest ${seconds(status.outbox.value.oldestAgeSeconds)})` : 'unknown'),
    figure('Lag, recent mean', recent === null ? '—' : seconds(recent)),
    figure('Lag p95', status.lag.rabbitmq.count + status.lag.outbox.count ? seconds(lagP95) : '—', lagP95 > 5 ? 'warn' : ''),
    figure('Applied', number(total('applied'))),
    figure('Retried', number(total('retried')), total('retried') > 0 ? 'warn' : ''),
    figure('Dead-lettered', number(total('dead_lettered')), total('dead_lettered') > 0 ? 'bad' : ''),
  );
  const problems = [status.queues.error && `queues: ${status.queues.error}`, status.outbox?.error && `outbox: ${status.outbox.error}`].filter(Boolean);
  $('live-note').textContent =
    `Queues and outbox: now. Changes, lag and p95: replica ${status.instance} since ${dateTime(status.since)}. ` +
    'Dead letters are changes that can never apply (RabbitMQ queue …dlq); re-publish them or run Sync.' +
    (problems.length ? ` Not read: ${problems.join('; ').replace(/\.?$/, '.')}` : '');
}

// ---------------------------------------------------------------- clusters

const ENGINES = { elasticsearch: 'Elasticsearch', opensearch: 'OpenSearch' };
const engineName = (info) => `${ENGINES[info.engine] ?? info.engine} ${info.version}`;

function renderClusters(report) {
  const hasNext = report.clusters.some((cluster) => cluster.role === 'next');
  rerender($('clusters').tBodies[0], report.clusters, () => report.clusters.map((cluster) => {
    const row = document.createElement('tr');
    row.innerHTML = `<th scope="row">${text(cluster.role)}</th><td><code>${text(cluster.node)}</code> <small>${text(cluster.variables)}_*</small></td>
      <td>${cluster.info ? text(engineName(cluster.info)) : '—'}</td><td><code>${text(cluster.info?.clusterUuid ?? '—')}</code></td>
      <td class="${cluster.reachable ? 'reachable' : 'unreachable'}">${cluster.reachable ? 'reachable' : `unreachable: ${text(cluster.error)}`}</td>`;
    return row;
  }));
  // Without a next cluster the one problem is that there is none: the note says how to add one instead.
  const problems = hasNext ? report.problems : [];
  rerender($('cluster-problems'), problems, () => problems.map((problem) => {
    const item = document.createElement('li');
    item.textContent = problem;
    return item;
  }));
  $('clusters-note').textContent = !hasNext
    ? 'No next cluster. To compare searches with the cluster search moves to, set OPENSEARCH_NEXT_NODE (and its OPENSEARCH_NEXT_* credentials) and restart the service.'
    : problems.length === 0
      ? 'Both clusters answer and are two different clusters: nothing stands in the way of moving search.'
      : '';
  // The indices name their clusters and offer a migration from these: redrawn only when they changed.
  state.hasNext = hasNext;
  state.clusters = report.clusters;
  if (state.indices) renderIndices(state.indices);
}

// Apart from the rest of the refresh: a next cluster that does not answer can take the client's timeout, and must not hold up the page.
async function refreshClusters() {
  if (state.clustersLoading) return;
  state.clustersLoading = true;
  try {
    renderClusters(await api('GET', '/clusters'));
  } catch (error) {
    $('clusters-note').textContent = `Not read: ${error.message}`;
  } finally {
    state.clustersLoading = false;
  }
}

// ---------------------------------------------------------------- refresh

async function refresh() {
  if (!tokenInput.value || state.refused || state.refreshing) return;
  state.refreshing = true;
  try {
    const [indices, jobs] = await Promise.all([api('GET', '/indices'), api('GET', '/jobs')]);
    $('console').hidden = false;
    signedIn(true);
    renderIndices(indices);
    renderJobs(jobs);
    void refreshClusters();
    const [live, job, plan] = await Promise.allSettled([api('GET', '/live-updates/status'), refreshJob(), api('GET', '/indices/plan')]);
    if (live.status === 'fulfilled') renderLive(live.value);
    if (plan.status === 'fulfilled') renderPlan(plan.value);
    const failure = [live, job, plan].find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    $('refreshed').textContent = `Updated ${clock(Date.now())}`;
  } catch (error) {
    if (error.status === 401) {
      state.refused = true;
      $('console').hidden = true;
      signedIn(false);
      showError('The token was refused. Enter the value of ADMIN_API_TOKEN.');
      tokenInput.focus();
    } else {
      showError(error.message);
    }
  } finally {
    state.refreshing = false;
  }
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
$('schedule-form').addEventListener('submit', saveSchedule);
$('schedule-close').addEventListener('click', () => {
  $('schedule').hidden = true;
  state.scheduleAlias = null;
});
// Not a submit button, so Enter in the field submits the dialog's answer rather than cancelling it.
$('ask-cancel').addEventListener('click', () => $('ask').close('cancel'));
$('job-close').addEventListener('click', () => {
  $('job').hidden = true;
  state.openJob = null;
});

tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || '';
void refresh();
setInterval(refresh, REFRESH_MS);
