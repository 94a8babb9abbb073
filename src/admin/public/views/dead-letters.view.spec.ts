import { buttonLabels, cellTexts, click } from '../element-queries.js';
import { dateTime } from '../format.js';
import { DEAD_LETTER_AT as AT, sampleDeadLetter as letter } from '../../../../test/support/dead-letter-fixture.js';
import { deadLetterFilter, deadLettersNote, deadLettersView, filterText, type DeadLetterRow } from './dead-letters.view.js';

describe('dead letters view', () => {
  it('shows each dead letter with its reason, and offers Requeue only for a valid change', () => {
    const requeued: DeadLetterRow[] = [];
    const page = { total: 2, entries: [letter({}), letter({ key: 'fedcba9876543210', position: 1, entity: null, id: null, op: null, reason: 'not-json', attempts: 1, body: 'not json at all', source: 'outbox', outboxId: '41' })] };
    const [first, second] = deadLettersView(page, { requeueOne: (row) => requeued.push(row) });
    expect(cellTexts(first)).toEqual(['0123456789abcdef', 'event 12 upsert', 'attempts-exhausted', '5', dateTime(AT), dateTime(AT + 60_000), 'broker', 'Requeue']);
    expect(cellTexts(second)).toEqual(['fedcba9876543210', 'not json at all', 'not-json', '1', dateTime(AT), dateTime(AT + 60_000), 'outbox #41', '']);
    expect(buttonLabels(second)).toEqual([]);
    click(first, 'Requeue');
    expect(requeued).toEqual([page.entries[0]]);
  });

  it('says how many are shown', () => {
    expect(deadLettersNote({ total: 0, entries: [] })).toBe('No dead letters.');
    expect(deadLettersNote({ total: 120, entries: [letter({})] })).toMatch(/^The first 1 of 120 dead letters, oldest first/);
    expect(deadLettersNote({ total: 1, entries: [letter({})] })).toMatch(/^All 1 dead letters/);
  });

  it('turns the form into a filter, or null when it names nothing', () => {
    expect(deadLetterFilter('  ', '')).toBeNull();
    expect(deadLetterFilter(' event ', '')).toEqual({ entity: 'event' });
    expect(deadLetterFilter('', 'not-json')).toEqual({ reason: 'not-json' });
    expect(filterText({ entity: 'event', reason: 'not-json' })).toBe('entity event, reason not-json');
  });
});
