import { expandQuerySet, querySetProblems, type QuerySet } from './query-set.js';

const match = (text: string) => ({ query: { match: { title: text } } });

describe('querySetProblems', () => {
  it('accepts named queries, templated ones with params and judged ones with ratings', () => {
    expect(
      querySetProblems({
        queries: [
          { name: 'jazz', body: match('jazz'), ratings: { '1': 3, '2': 0 } },
          { name: 'title', body: match('{{q}}'), params: [{ q: 'jazz' }, { q: 'rock' }] },
        ],
      }),
    ).toEqual([]);
  });

  it('names the field of every class-validator rule broken', () => {
    expect(querySetProblems({ queries: [] })).toEqual(['queries: queries must contain at least 1 elements']);
    expect(querySetProblems({ queries: [{ name: '', body: {} }], extra: 1 })).toEqual(
      expect.arrayContaining(['extra: property extra should not exist', 'queries.0.name: name must be longer than or equal to 1 characters', 'queries.0.body: body must be a non-empty object']),
    );
    expect(querySetProblems([])).toEqual(['(top level): must be an object with "queries"']);
  });

  it('refuses twice the same name, placeholders without params and params that do not fit them', () => {
    expect(
      querySetProblems({
        queries: [
          { name: 'a', body: match('{{q}}') },
          { name: 'a', body: match('{{q}} {{city}}'), params: [{ q: 'x', city: 'y' }, { q: 'x' }, { q: 'x', city: 3 }] },
        ],
      }),
    ).toEqual([
      'queries.0.params: missing: the body uses {{q}}',
      'queries.1.name: "a" is used twice; names tell queries apart',
      'queries.1.params.1: must give exactly city, q, gives q',
      'queries.1.params.2.city: must be a string',
    ]);
  });

  it('refuses grades outside 0..3 and ratings on a templated query', () => {
    expect(
      querySetProblems({
        queries: [
          { name: 'a', body: match('x'), ratings: { '1': 4, '2': 1.5 } },
          { name: 'b', body: match('{{q}}'), params: [{ q: 'x' }], ratings: { '1': 1 } },
        ],
      }),
    ).toEqual(['queries.0.ratings.1: must be a grade 0, 1, 2 or 3', 'queries.0.ratings.2: must be a grade 0, 1, 2 or 3', expect.stringMatching(/^queries.1.ratings: not with params/)]);
  });

  it('refuses a set that expands past 200 searches', () => {
    const params = Array.from({ length: 50 }, (_, i) => ({ q: String(i) }));
    const queries = Array.from({ length: 5 }, (_, i) => ({ name: `q${i}`, body: match('{{q}}'), params }));
    expect(querySetProblems({ queries })).toEqual(['queries: expand to 250 searches, more than 200']);
  });
});

describe('expandQuerySet', () => {
  it('runs a templated query once per params entry, filling every string of the body, and keeps ratings', () => {
    const set: QuerySet = {
      queries: [
        { name: 'judged', body: match('jazz'), ratings: { '7': 2 } },
        { name: 'in city', body: { query: { bool: { must: [match('{{q}}')], filter: [{ term: { city: '{{ city }}' } }] } } }, params: [{ q: 'jazz "live"', city: 'Berlin' }] },
      ],
    };
    expect(expandQuerySet(set)).toEqual([
      { name: 'judged', body: match('jazz'), ratings: { '7': 2 } },
      { name: 'in city [q=jazz "live", city=Berlin]', body: { query: { bool: { must: [match('jazz "live"')], filter: [{ term: { city: 'Berlin' } }] } } } },
    ]);
  });
});
