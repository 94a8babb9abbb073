import type { DeadLetter } from '../../src/live-updates/dead-letter.js';

/** When the sample dead letter was first published; it was dead-lettered a minute later. */
export const DEAD_LETTER_AT = Date.UTC(2026, 11, 7, 9, 0, 0);

/** A change the consumer dead-lettered after five attempts, as GET /dead-letters describes it. */
export const sampleDeadLetter = (overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  key: '0123456789abcdef',
  position: 0,
  entity: 'event',
  id: '12',
  op: 'upsert',
  reason: 'attempts-exhausted',
  error: 'failed 5 times',
  attempts: 5,
  firstSeen: DEAD_LETTER_AT,
  lastSeen: DEAD_LETTER_AT + 60_000,
  source: 'broker',
  outboxId: null,
  requeues: 0,
  messageId: null,
  body: null,
  ...overrides,
});
