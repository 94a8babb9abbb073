import { canonicalJson, definitionHash } from './definition-hash.js';
import { eventsIndex } from './events.index.js';
import type { IndexDefinition } from './index-definition.js';

describe('definitionHash', () => {
  const mappings = { dynamic: 'strict', properties: { title: { type: 'text', fields: { keyword: { type: 'keyword' } } }, price: { type: 'double' } } };
  const settings = { number_of_shards: 1, analysis: { analyzer: { folded: { tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] } } } };

  it('is a SHA-256 hex digest', () => {
    expect(definitionHash({ mappings, settings })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not change when keys are written in another order, at any depth', () => {
    const reordered = {
      settings: { analysis: { analyzer: { folded: { filter: ['lowercase', 'asciifolding'], tokenizer: 'standard' } } }, number_of_shards: 1 },
      mappings: { properties: { price: { type: 'double' }, title: { fields: { keyword: { type: 'keyword' } }, type: 'text' } }, dynamic: 'strict' },
    };
    expect(definitionHash(reordered)).toBe(definitionHash({ mappings, settings }));
  });

  it('changes when a mapping changes', () => {
    const changed = { ...mappings, properties: { ...mappings.properties, price: { type: 'scaled_float', scaling_factor: 100 } } };
    expect(definitionHash({ mappings: changed, settings })).not.toBe(definitionHash({ mappings, settings }));
  });

  it('changes when a setting changes', () => {
    expect(definitionHash({ mappings, settings: { ...settings, number_of_shards: 2 } })).not.toBe(definitionHash({ mappings, settings }));
  });

  it('keeps array order, which is meaningful (token filters run in order)', () => {
    const swapped = { ...settings, analysis: { analyzer: { folded: { tokenizer: 'standard', filter: ['asciifolding', 'lowercase'] } } } };
    expect(definitionHash({ mappings, settings: swapped })).not.toBe(definitionHash({ mappings, settings }));
  });

  it('ignores everything but mappings and settings', () => {
    const renamed: IndexDefinition = { ...eventsIndex, name: 'renamed', touches: {} };
    expect(definitionHash(renamed)).toBe(definitionHash(eventsIndex));
  });

  it('writes canonical JSON with sorted keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
});
