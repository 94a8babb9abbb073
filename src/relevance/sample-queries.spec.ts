import { eventsIndex } from '../../test/support/demo-definitions.js';
import { sampleQueries, textFieldsOf } from './sample-queries.js';

describe('textFieldsOf', () => {
  it('finds the full-text fields, nested ones dotted, and leaves keywords, numbers and geo out', () => {
    expect(textFieldsOf(eventsIndex.mappings)).toEqual(['title', 'description', 'venue.name']);
  });
});

describe('sampleQueries', () => {
  const fields = ['title', 'description', 'venue.name'];

  it('searches a few words of each document across every text field, taking the fields in turn', () => {
    const queries = sampleQueries(fields, [
      { title: 'Jazz Night at the Blue Note', description: 'x' },
      { title: 'ignored', description: 'An evening of Bach, Händel & more' },
      { title: 't', description: '', venue: { name: 'Royal Albert Hall' } },
    ]);

    expect(queries).toEqual([
      { name: 'title: Jazz Night the', body: { query: { multi_match: { query: 'Jazz Night the', fields } } } },
      { name: 'description: evening Bach Händel', body: { query: { multi_match: { query: 'evening Bach Händel', fields } } } },
      { name: 'venue.name: Royal Albert Hall', body: { query: { multi_match: { query: 'Royal Albert Hall', fields } } } },
    ]);
  });

  it('falls back to another field when the one in turn has no words, and skips a document with none', () => {
    const queries = sampleQueries(fields, [{ title: '—', description: 'Open air cinema' }, { title: 'a b', description: 12 }]);

    expect(queries.map((query) => query.name)).toEqual(['description: Open air cinema']);
  });
});
