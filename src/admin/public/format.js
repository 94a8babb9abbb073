// How the console writes values: pure functions of their input (no DOM), unit-tested in node.

const NONE = '—';
const missing = (value) => value === null || value === undefined;

export const number = (value) => (missing(value) ? NONE : Number(value).toLocaleString('en'));
export const clock = (value) => (value ? new Date(value).toLocaleTimeString('sv-SE') : NONE);
// sv-SE writes ISO-like dates (2026-12-02 10:00:00), in the browser's time zone.
export const dateTime = (value) => (value ? new Date(value).toLocaleString('sv-SE') : NONE);
export const milliseconds = (value) => (missing(value) ? NONE : Number(value).toLocaleString('en', { maximumFractionDigits: 1 }));
export const percent = (share) => (missing(share) ? NONE : `${Math.round(share * 100)} %`);
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];
/** A size on disk in decimal units, three figures: 812 B, 4.31 MB, 12.0 GB. */
export function bytes(value) {
  if (missing(value)) return NONE;
  const power = Math.min(UNITS.length - 1, value < 1000 ? 0 : Math.floor(Math.log10(value) / 3));
  return power === 0 ? `${value} B` : `${(value / 1000 ** power).toPrecision(3)} ${UNITS[power]}`;
}
/** A lag: milliseconds below a second, else seconds to a tenth. */
export const seconds = (value) => (missing(value) ? NONE : value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(1)} s`);

/** A span of time the way a chart axis reads it: 38s, 4m05, 2h10. */
export function duration(ms) {
  const whole = Math.round(ms / 1000);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}`;
}

const ENGINES = { elasticsearch: 'Elasticsearch', opensearch: 'OpenSearch' };
export const engineName = (info) => `${ENGINES[info.engine] ?? info.engine} ${info.version}`;
/** A cluster by its role and engine: `next (OpenSearch 3.1.0)`. */
export const describedCluster = (cluster) => `${cluster.role} (${engineName(cluster.info)})`;

/** A cluster by its UUID as the clusters panel shows it (role and engine), or the bare UUID until GET /clusters answers. */
export function clusterName(clusters, uuid) {
  const cluster = clusters.find((candidate) => candidate.info?.clusterUuid === uuid);
  return cluster ? describedCluster(cluster) : uuid;
}

/** A job state as the timeline writes it: `RUNNING/BACKFILL`, or the status alone. */
export const stateName = (status, phase) => `${status}${phase ? `/${phase}` : ''}`;

const PACE_SET_BY = { operator: ' (set by operator)', auto: ' (auto)', REINDEX_MAX_DOCS_PER_SECOND: '' };

/** The backfill pace in force and who set it; a dash when none is (backfill over, or a partial job). */
export function paceText(job) {
  if (job.maxDocsPerSecond === null) return NONE;
  return `${job.maxDocsPerSecond === 0 ? 'unlimited' : `max ${number(job.maxDocsPerSecond)}/s`}${PACE_SET_BY[job.maxDocsPerSecondSetBy] ?? ''}`;
}

export function scheduleSummary(schedule) {
  if (!schedule) return 'none';
  const what = `every ${number(schedule.intervalMinutes)} min, ${schedule.mode === 'SYNC' ? 'sync' : 'full rebuild'}`;
  return schedule.enabled ? `${what}; next ${dateTime(schedule.nextRunAt)}` : `off (${what})`;
}

/** When a schedule runs next and ran last, as the schedule editor says it. */
export const scheduleRuns = (schedule) => `Next run ${dateTime(schedule.nextRunAt)}; last run ${dateTime(schedule.lastRunAt)}.`;

const CHANGE = { added: 'only in the code', removed: 'only live', changed: 'differs' };

/** One difference between the code's definition and the live index: `mappings.title.type: differs (code "text", live "keyword")`. */
export function changeText(change) {
  const value = (v) => JSON.stringify(v);
  const values = change.change === 'changed' ? ` (code ${value(change.code)}, live ${value(change.live)})` : change.change === 'added' ? ` (${value(change.code)})` : ` (${value(change.live)})`;
  return `${change.path}: ${CHANGE[change.change]}${values}`;
}
