import type { JobRows, TransitionRow } from '../support/job-rows.js';

/**
 * A failing trial's story: every job transition the service persisted (reindex_job_events)
 * and every step of the harness's fault log, in time order, as seconds since the trial began.
 */
export async function timeline(rows: JobRows, prefix: string, startedAt: number, faultLog: readonly { at: Date; text: string }[]): Promise<string[]> {
  const transitions = await rows.query<TransitionRow & { jobId: number; alias: string }>(
    `SELECT e.id, e.job_id AS jobId, j.alias, e.from_status AS fromStatus, e.to_status AS toStatus, e.from_phase AS fromPhase, e.to_phase AS toPhase,
       e.reason, e.instance_id AS instanceId, e.created_at AS createdAt
     FROM reindex_job_events e JOIN reindex_jobs j ON j.id = e.job_id ORDER BY e.id`,
  );
  const at = (date: Date) => `+${((date.getTime() - startedAt) / 1000).toFixed(3).padStart(8)}s`;
  const state = (status: string | null, phase: string | null) => (status ? `${status}${phase ? `/${phase}` : ''}` : '-');
  const lines = [
    ...transitions.map((row) => ({
      time: row.createdAt.getTime(),
      line: `${at(row.createdAt)} job ${row.jobId} ${row.alias.slice(prefix.length)}: ${state(row.fromStatus, row.fromPhase)} → ${state(row.toStatus, row.toPhase)} by ${row.instanceId}: ${row.reason.slice(0, 240)}`,
    })),
    ...faultLog.map((entry) => ({ time: entry.at.getTime(), line: `${at(entry.at)} harness: ${entry.text}` })),
  ];
  return lines.sort((a, b) => a.time - b.time).map((entry) => entry.line);
}
