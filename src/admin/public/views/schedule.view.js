// The schedule editor: the form's values for a schedule, and what it says once saved.

import { scheduleRuns, scheduleSummary } from '../format.js';

/** The values the #schedule form shows for GET /indices/:alias/schedule's answer. */
export function scheduleForm(alias, schedule) {
  return {
    title: `Schedule of ${alias}`,
    enabled: schedule.enabled,
    intervalMinutes: schedule.intervalMinutes ?? 1440,
    mode: schedule.mode === 'SYNC' ? 'sync' : 'full',
    runs: schedule.nextRunAt ? scheduleRuns(schedule) : 'No schedule yet.',
  };
}

/** Once saved: the line in the form and the notice. */
export function scheduleSaved(alias, saved) {
  return {
    runs: saved.nextRunAt ? `Saved. ${scheduleRuns(saved)}` : 'Saved.',
    notice: `Schedule of ${alias}: ${scheduleSummary(saved)}.`,
  };
}
