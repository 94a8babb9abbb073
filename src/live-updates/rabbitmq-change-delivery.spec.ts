import { publishedAtOf, TIMESTAMP_MS_HEADER } from './rabbitmq-change-delivery.js';

describe('publishedAtOf', () => {
  const now = Date.UTC(2026, 11, 2, 10, 0, 0, 250);

  it('prefers the millisecond header', () => {
    expect(publishedAtOf({ timestamp: Math.floor(now / 1000), headers: { [TIMESTAMP_MS_HEADER]: now } })).toBe(now);
  });

  it('reads the timestamp property as seconds, as AMQP defines it', () => {
    expect(publishedAtOf({ timestamp: Math.floor(now / 1000) })).toBe(now - 250);
  });

  it('takes a timestamp too large for seconds as milliseconds', () => {
    expect(publishedAtOf({ timestamp: now })).toBe(now);
  });

  it.each([{}, { timestamp: undefined }, { timestamp: 0 }, { headers: { [TIMESTAMP_MS_HEADER]: 'soon' } }])('says nothing when the message does not (%j)', (properties) => {
    expect(publishedAtOf(properties)).toBeNull();
  });
});
