// Types of schedule.view.js.

import type { Schedule } from '../format.js';

export function scheduleForm(alias: string, schedule: Schedule): { title: string; enabled: boolean; intervalMinutes: number; mode: 'full' | 'sync'; runs: string };
export function scheduleSaved(alias: string, saved: Schedule): { runs: string; notice: string };
