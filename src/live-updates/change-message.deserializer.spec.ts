import { CHANGE_PATTERN, ChangeMessageDeserializer } from './change-message.deserializer.js';

describe('ChangeMessageDeserializer', () => {
  const deserializer = new ChangeMessageDeserializer();

  it('routes a plain JSON change to the change pattern', () => {
    expect(deserializer.deserialize({ entity: 'event', id: '1', op: 'upsert' })).toEqual({
      pattern: CHANGE_PATTERN,
      data: { kind: 'json', body: { entity: 'event', id: '1', op: 'upsert' } },
    });
  });

  it("routes Nest's own envelope like any other body, for validation to reject", () => {
    expect(deserializer.deserialize({ pattern: 'x', data: {} })).toEqual({ pattern: CHANGE_PATTERN, data: { kind: 'json', body: { pattern: 'x', data: {} } } });
  });

  it('marks text the transport could not parse as JSON', () => {
    expect(deserializer.deserialize('{not json')).toEqual({ pattern: CHANGE_PATTERN, data: { kind: 'not-json' } });
  });
});
