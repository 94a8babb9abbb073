import { dateTime } from '../format.js';
import { scheduleForm, scheduleSaved } from './schedule.view.js';

const NEXT = '2026-12-02T14:00:00.000Z';
const LAST = '2026-12-02T10:00:00.000Z';

describe('schedule view', () => {
  it("fills the editor with an alias's schedule, a daily full rebuild when it has none yet", () => {
    expect(scheduleForm('events', { enabled: true, intervalMinutes: 240, mode: 'SYNC', nextRunAt: NEXT, lastRunAt: LAST })).toEqual({
      title: 'Schedule of events',
      enabled: true,
      intervalMinutes: 240,
      mode: 'sync',
      runs: `Next run ${dateTime(NEXT)}; last run ${dateTime(LAST)}.`,
    });
    expect(scheduleForm('events', { enabled: false, intervalMinutes: null, mode: 'FULL', nextRunAt: null })).toEqual({
      title: 'Schedule of events',
      enabled: false,
      intervalMinutes: 1440,
      mode: 'full',
      runs: 'No schedule yet.',
    });
  });

  it('says what was saved in the editor and in the notice', () => {
    expect(scheduleSaved('events', { enabled: true, intervalMinutes: 240, mode: 'SYNC', nextRunAt: NEXT, lastRunAt: null })).toEqual({
      runs: `Saved. Next run ${dateTime(NEXT)}; last run —.`,
      notice: `Schedule of events: every 240 min, sync; next ${dateTime(NEXT)}.`,
    });
    expect(scheduleSaved('events', { enabled: false, intervalMinutes: 240, mode: 'SYNC', nextRunAt: null })).toEqual({ runs: 'Saved.', notice: 'Schedule of events: off (every 240 min, sync).' });
  });
});
