import { LiveUpdatesErrorCode, LiveUpdatesException } from './live-updates.exception.js';
import { deadLetterReason } from './retry-policy.js';

describe('deadLetterReason', () => {
  const policy = { maxAttempts: 3 };

  it('retries a transient failure below the attempt limit', () => {
    expect(deadLetterReason(policy, new Error('OpenSearch timed out'), 1)).toBeNull();
    expect(deadLetterReason(policy, new Error('OpenSearch timed out'), 2)).toBeNull();
  });

  it('dead-letters at the limit, naming the attempts and the last error', () => {
    const reason = deadLetterReason(policy, new Error('OpenSearch timed out'), 3);
    expect(reason).toEqual(expect.objectContaining({ code: LiveUpdatesErrorCode.ATTEMPTS_EXHAUSTED, message: 'failed 3 times, last: OpenSearch timed out' }));
  });

  it('dead-letters at once what can never succeed', () => {
    const invalid = new LiveUpdatesException(LiveUpdatesErrorCode.INVALID_MESSAGE, 'entity must be one of event, venue, booking');
    expect(deadLetterReason(policy, invalid, 1)).toBe(invalid);
  });
});
