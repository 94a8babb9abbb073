import { eventsIndex } from '../../test/support/demo-definitions.js';
import { canonicalJson, changedParts, definitionHash, definitionPartHashes } from './definition-hash.js';
import type { IndexDefinition } from './index-definition.js';

describe('definitionHash', () => {
  const mappings = { dynamic: 'strict', properties: { title: { type: 'text', fields: { keyword: { type: 'keyword' } } }, price: { type: 'double' } } };
  const settings = { number_of_shards: 1, analysis: { analyzer: { folded: { tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] } } } };
  const shape = { source: { byCursor: 'SELECT 1', byIds: 'SELECT 2' }, document: { fields: { title: 'title' } } };

  it('is a SHA-256 hex digest', () => {
    expect(definitionHash({ mappings, settings, shape })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not change when keys are written in another order, at any depth', () => {
    const reordered = {
      settings: { analysis: { analyzer: { folded: { filter: ['lowercase', 'asciifolding'], tokenizer: 'standard' } } }, number_of_shards: 1 },
      mappings: { properties: { price: { type: 'double' }, title: { fields: { keyword: { type: 'keyword' } }, type: 'text' } }, dynamic: 'strict' },
      shape: { document: { fields: { title: 'title' } }, source: { byIds: 'SELECT 2', byCursor: 'SELECT 1' } },
    };
    expect(definitionHash(reordered)).toBe(definitionHash({ mappings, settings, shape }));
  });

  it('changes when a mapping changes', () => {
    const changed = { ...mappings, properties: { ...mappings.properties, price: { type: 'scaled_float', scaling_factor: 100 } } };
    expect(definitionHash({ mappings: changed, settings, shape })).not.toBe(definitionHash({ mappings, settings, shape }));
  });

  it('changes when a setting changes', () => {
    expect(definitionHash({ mappings, settings: { ...settings, number_of_shards: 2 }, shape })).not.toBe(definitionHash({ mappings, settings, shape }));
  });

  it('keeps array order, which is meaningful (token filters run in order)', () => {
    const swapped = { ...settings, analysis: { analyzer: { folded: { tokenizer: 'standard', filter: ['asciifolding', 'lowercase'] } } } };
    expect(definitionHash({ mappings, settings: swapped, shape })).not.toBe(definitionHash({ mappings, settings, shape }));
  });

  it('changes when the SQL that reads the rows or the document changes, and says which part did', () => {
    const base = definitionPartHashes({ mappings, settings, shape });
    const sql = definitionPartHashes({ mappings, settings, shape: { ...shape, source: { ...shape.source, byCursor: 'SELECT 3' } } });
    const document = definitionPartHashes({ mappings, settings, shape: { ...shape, document: { transform: 'f00d' } } });
    expect(changedParts(base, sql)).toEqual(['source']);
    expect(changedParts(base, document)).toEqual(['document']);
    expect(definitionHash({ mappings, settings, shape: { ...shape, source: { ...shape.source, byCursor: 'SELECT 3' } } })).not.toBe(definitionHash({ mappings, settings, shape }));
  });

  it('counts every part as changed against an index that recorded none', () => {
    expect(changedParts(definitionPartHashes({ mappings, settings, shape }), null)).toEqual(['mappings', 'settings', 'source', 'document']);
  });

  it('ignores the name and what touches the documents: neither changes what a rebuild writes', () => {
    const renamed: IndexDefinition = { ...eventsIndex, name: 'renamed', touches: {} };
    expect(definitionHash(renamed)).toBe(definitionHash(eventsIndex));
  });

  it('writes canonical JSON with sorted keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
});
