import type { Message, MessageProperties } from 'amqplib';
import { DEAD_LETTER_AT as at, sampleDeadLetter } from '../../test/support/dead-letter-fixture.js';
import { changeOf, deadLetterKey, describeDeadLetter, requeuedCopy, selects } from './dead-letter.js';

function message(body: string, headers: Record<string, unknown> = {}, properties: Partial<MessageProperties> = {}): Pick<Message, 'content' | 'properties'> {
  return { content: Buffer.from(body), properties: { headers, ...properties } as MessageProperties };
}

const consumerDeadLetter = () =>
  message('{"entity":"event","id":"12","op":"upsert"}', { 'x-reason': 'attempts-exhausted', 'x-error': 'failed 5 times', 'x-attempts': 5, 'x-dead-lettered-at': at + 60_000, timestamp_in_ms: at }, { contentType: 'application/json' });

describe('describeDeadLetter', () => {
  it('reads what the consumer wrote on a dead letter', () => {
    expect(describeDeadLetter(consumerDeadLetter(), 3)).toEqual(sampleDeadLetter({ key: expect.stringMatching(/^[0-9a-f]{16}$/) as string, position: 3 }));
  });

  it('names an outbox row and shows a body that is no change', () => {
    const letter = describeDeadLetter(message('not json', { 'x-reason': 'not-json', 'x-source': 'outbox', 'x-outbox-id': '41' }), 0);
    expect(letter).toMatchObject({ source: 'outbox', outboxId: '41', entity: null, body: 'not json', attempts: null, firstSeen: null, lastSeen: null });
  });

  it("falls back on the broker's own dead-lettering (x-death)", () => {
    const deaths = [{ reason: 'rejected', count: 2, time: at / 1000, queue: 'live' }, { reason: 'expired', count: 1, time: at / 1000 - 10 }];
    expect(describeDeadLetter(message('{"entity":"venue","id":"1","op":"delete"}', { 'x-death': deaths }), 0)).toMatchObject({ reason: 'rejected', attempts: 3, lastSeen: at, firstSeen: at });
  });
});

describe('deadLetterKey', () => {
  it('is the same for the same message whatever the order of its headers, and differs with any header', () => {
    const one = message('{"a":1}', { b: 1, a: { y: 2, x: 1 } });
    const same = message('{"a":1}', { a: { x: 1, y: 2 }, b: 1 });
    expect(deadLetterKey(one)).toBe(deadLetterKey(same));
    expect(deadLetterKey(message('{"a":1}', { b: 2, a: { x: 1, y: 2 } }))).not.toBe(deadLetterKey(one));
    expect(deadLetterKey(message('{"a":2}', { b: 1, a: { x: 1, y: 2 } }))).not.toBe(deadLetterKey(one));
  });
});

describe('requeuedCopy', () => {
  it('starts the change again at attempt 1, stamped now, keeping when it was first published', () => {
    const copy = requeuedCopy(consumerDeadLetter(), at + 3_600_000);
    expect(copy).toMatchObject({ persistent: true, contentType: 'application/json', timestamp: Math.floor((at + 3_600_000) / 1000) });
    expect(copy.headers).toEqual({ timestamp_in_ms: at + 3_600_000, 'x-first-published-at': at, 'x-requeues': 1 });
    const headers = { ...(copy.headers as Record<string, unknown>), 'x-reason': 'unprocessable-change' };
    const again = requeuedCopy({ properties: { headers } as unknown as MessageProperties }, at + 7_200_000);
    expect(again.headers).toEqual({ timestamp_in_ms: at + 7_200_000, 'x-first-published-at': at, 'x-requeues': 2 });
  });
});

describe('selects and changeOf', () => {
  const letter = { key: 'k', entity: 'event', reason: 'unknown-entity' };
  it.each([
    [{ all: true as const }, true],
    [{ key: 'k' }, true],
    [{ key: 'j' }, false],
    [{ entity: 'event' }, true],
    [{ entity: 'event', reason: 'not-json' }, false],
    [{ reason: 'unknown-entity' }, true],
  ])('%j → %s', (selector, expected) => {
    expect(selects(selector, letter)).toBe(expected);
  });

  it('finds a change only in a valid body', () => {
    expect(changeOf(message('{"entity":"event","id":"1","op":"upsert"}'))).toEqual({ entity: 'event', id: '1', op: 'upsert' });
    expect(changeOf(message('{"entity":"Event!","id":"1","op":"upsert"}'))).toBeNull();
    expect(changeOf(message('{'))).toBeNull();
  });
});
