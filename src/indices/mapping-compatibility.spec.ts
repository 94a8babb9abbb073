import { fieldsMissingFrom } from './mapping-compatibility.js';

describe('fieldsMissingFrom', () => {
  const index = {
    dynamic: 'strict',
    properties: { title: { type: 'text', analyzer: 'folded' }, venue: { properties: { city: { type: 'keyword' } } }, seats: { type: 'integer' } },
  };

  it('finds nothing when the index maps every field of the code, whatever else it maps or how it analyses them', () => {
    expect(fieldsMissingFrom(index, { properties: { title: { type: 'text' }, venue: { properties: { city: { type: 'keyword' } } } } })).toEqual([]);
  });

  it('names a field the index does not map, also inside an object', () => {
    expect(fieldsMissingFrom(index, { properties: { weekday: { type: 'keyword' }, venue: { properties: { city: { type: 'keyword' }, country: { type: 'keyword' } } } } })).toEqual([
      'weekday',
      'venue.country',
    ]);
  });

  it('names a field mapped with another type', () => {
    expect(fieldsMissingFrom(index, { properties: { seats: { type: 'long' }, venue: { type: 'keyword' } } })).toEqual(['seats', 'venue']);
  });
});
