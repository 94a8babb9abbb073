// The verify / sync report of a VERIFY or SYNC job: how the index differs from MySQL, with sample ids.

import { h } from '../elements.js';
import { clock, number } from '../format.js';

const action = (kind) => (kind === 'verify' ? 'Verify' : 'Sync');

function summary(kind, report) {
  const differences = report.missing.total + report.stale.total + report.extra.total;
  const found = differences === 0 ? 'No differences.' : kind === 'verify' ? `${number(differences)} differences.` : `${number(differences)} differences found and repaired from MySQL.`;
  return `Source: ${number(report.sourceCount)} indexable rows. Index ${report.index}: ${number(report.indexCount)} documents. ${found}`;
}

function row(name, found) {
  const more = found.total > found.ids.length ? ` … and ${number(found.total - found.ids.length)} more` : '';
  return h(
    'tr',
    { class: found.total > 0 ? 'found' : '' },
    h('th', { scope: 'row' }, name),
    h('td', { class: 'number' }, number(found.total)),
    h('td', { class: 'ids' }, `${found.ids.join(', ')}${more}`, found.reason && [h('br'), found.reason]),
  );
}

/** The #job-report section for a verify or a sync (`kind`) that finished at `finishedAt`: title, summary and the rows of its table. */
export function reportView(kind, report, finishedAt) {
  const found = [['Missing', report.missing], ['Stale', report.stale], ['Extra', report.extra], ...(report.unrepaired ? [['Not restored', report.unrepaired]] : [])];
  return {
    title: `${action(kind)} of ${report.alias} at ${clock(finishedAt)}`,
    summary: summary(kind, report),
    rows: found.map(([name, differences]) => row(name, differences)),
  };
}

/** The notice once a verify or a sync (`kind`) is asked for: the job doing it, new or already under way. */
export const checkStarted = (kind, alias, job) => `${action(kind)} of ${alias} ${job.created ? 'started' : 'already under way'}: job #${job.id}.`;
