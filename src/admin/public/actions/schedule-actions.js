// The schedule editor: opened on an alias, saved, closed.

import { apiPath } from '../api-client.js';
import { showError } from '../dom.js';
import { closeSchedule, scheduleEntered, showSchedule, showScheduleRuns } from '../panels.js';
import { scheduleSaved } from '../views/schedule.view.js';

/** `page`: api and run. The alias being edited lives here, from opening the editor to closing it. */
export function scheduleActions({ api, run }) {
  let editing = null;

  async function openSchedule(alias) {
    try {
      const schedule = await api('GET', apiPath('indices', alias, 'schedule'));
      editing = alias;
      showSchedule(alias, schedule);
    } catch (error) {
      showError(error.message);
    }
  }

  async function saveSchedule(event) {
    event.preventDefault();
    const alias = editing;
    await run(() => api('PUT', apiPath('indices', alias, 'schedule'), scheduleEntered()), (saved) => {
      const { runs, notice } = scheduleSaved(alias, saved);
      showScheduleRuns(runs);
      return notice;
    });
  }

  function close() {
    closeSchedule();
    editing = null;
  }

  return { openSchedule, saveSchedule, closeSchedule: close };
}
