import { toEntityChange } from './change-message.dto.js';
import { LiveUpdatesErrorCode } from './live-updates.exception.js';

/** `{ field: [[[…]]] }`, `depth` levels deep: what JSON.parse makes of a hostile message. */
function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

describe('toEntityChange', () => {
  it('reads a valid change and ignores other fields', () => {
    expect(toEntityChange({ entity: 'event', id: '123', op: 'upsert', extra: nested(10) })).toEqual({ entity: 'event', id: '123', op: 'upsert' });
  });

  it.each(['entity', 'id', 'op'])('rejects %s nested 60,000 levels deep as an invalid message at once, without overflowing the stack', (field) => {
    const body = { entity: 'event', id: '1', op: 'upsert', [field]: nested(60_000) };
    expect(() => toEntityChange(body)).toThrow(expect.objectContaining({ code: LiveUpdatesErrorCode.INVALID_MESSAGE, message: `${field} must be a string, not an object or array` }) as Error);
  });
});
