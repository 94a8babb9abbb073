// The audit panel: the newest requests tokens made to routes that change something.

import { h } from '../elements.js';
import { dateTime } from '../format.js';

/** The rows of #audit from a page of GET /audit. */
export function auditView(page) {
  return page.entries.map((entry) =>
    h(
      'tr',
      null,
      h('td', null, dateTime(entry.createdAt)),
      h('th', { scope: 'row' }, entry.actor, ' ', h('small', null, `(${entry.role})`)),
      h('td', null, h('code', null, `${entry.method} ${entry.path}`)),
      h('td', { class: entry.status >= 400 ? 'refused' : undefined }, String(entry.status)),
      h('td', null, h('code', null, entry.instanceId)),
    ),
  );
}

/** The line below the table. */
export function auditNote(page) {
  if (page.entries.length === 0) return 'No operator actions yet.';
  return `The newest ${page.entries.length}, newest first${page.next === null ? '' : ' (GET /audit?before=… pages through the rest)'}. Every request to a route that changes something is recorded with its answer, a viewer's refused attempt (403) included.`;
}
