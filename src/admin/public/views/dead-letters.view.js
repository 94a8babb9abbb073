// The dead-letter panel: one row per dead letter of the first page, with its reason and a Requeue button.

import { button, h } from '../elements.js';
import { dateTime, number } from '../format.js';

/** What a dead letter names: the change, or the start of a body that is none. */
function named(letter) {
  if (letter.entity === null) return h('code', null, (letter.body ?? '').slice(0, 80));
  return [h('code', null, `${letter.entity} ${letter.id}`), ` ${letter.op}`];
}

/** The rows of #dead-letters; `actions.requeueOne(letter)`; a body that is no change cannot be requeued, only purged. */
export function deadLettersView(page, actions, busy) {
  return page.entries.map((letter) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, h('code', null, letter.key)),
      h('td', null, named(letter)),
      h('td', { title: letter.error ?? '' }, letter.reason ?? 'unknown'),
      h('td', null, letter.attempts === null ? '—' : number(letter.attempts)),
      h('td', null, dateTime(letter.firstSeen)),
      h('td', null, dateTime(letter.lastSeen)),
      h('td', null, letter.source === 'outbox' ? `outbox #${letter.outboxId}` : 'broker'),
      h('td', null, letter.entity === null ? '' : button('Requeue', `requeue:${letter.key}:${letter.position}`, () => actions.requeueOne(letter), { busy, changes: true })),
    ),
  );
}

/** The line below the table. */
export function deadLettersNote(page) {
  if (page.total === 0) return 'No dead letters.';
  const shown = page.entries.length < page.total ? `The first ${number(page.entries.length)} of ${number(page.total)}` : `All ${number(page.total)}`;
  return `${shown} dead letters, oldest first (GET /dead-letters pages through the rest). Reading them reorders and loses nothing; they come back flagged redelivered.`;
}

/** The filter as POST /dead-letters/requeue and DELETE /dead-letters take it; null when neither field is set. */
export function deadLetterFilter(entity, reason) {
  const filter = { ...(entity.trim() ? { entity: entity.trim() } : {}), ...(reason ? { reason } : {}) };
  return Object.keys(filter).length ? filter : null;
}

/** The filter in words: `entity event, reason not-json`. */
export const filterText = (filter) => Object.entries(filter).map(([name, value]) => `${name} ${value}`).join(', ');
