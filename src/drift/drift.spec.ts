import { decide, diffDefinition, flattenSettings, type DriftFacts } from './drift.js';

const facts = (overrides: Partial<DriftFacts>): DriftFacts => ({ status: 'in-sync', newestDeploy: true, adoptExisting: false, alreadyTried: false, ...overrides });

describe('decide', () => {
  it('builds a missing alias and rebuilds a drifted one', () => {
    expect(decide(facts({ status: 'missing' })).action).toBe('create');
    expect(decide(facts({ status: 'drifted' })).action).toBe('rebuild');
  });

  it('does nothing for an index in sync', () => {
    expect(decide(facts({ status: 'in-sync' })).action).toBe('nothing');
  });

  it('leaves a concrete index it did not create serving until adopted, unless REINDEX_ADOPT_EXISTING', () => {
    expect(decide(facts({ status: 'legacy' }))).toMatchObject({ action: 'adopt-required', reason: expect.stringMatching(/adopt/) as unknown });
    expect(decide(facts({ status: 'legacy', adoptExisting: true })).action).toBe('adopt');
    // An adoption that failed or was cancelled is not retried by every tick.
    expect(decide(facts({ status: 'legacy', adoptExisting: true, alreadyTried: true }))).toMatchObject({ action: 'wait', heldBy: 'already-tried' });
  });

  it('waits for an operator after a rollback, for a newer deploy, and after a job of this definition was tried', () => {
    expect(decide(facts({ status: 'rolled-back' }))).toMatchObject({ action: 'wait', heldBy: 'rollback' });
    expect(decide(facts({ status: 'drifted', newestDeploy: false }))).toMatchObject({ action: 'wait', heldBy: 'newer-deploy' });
    expect(decide(facts({ status: 'drifted', alreadyTried: true }))).toMatchObject({ action: 'wait', heldBy: 'already-tried' });
  });
});

describe('diffDefinition', () => {
  const code = {
    mappings: { dynamic: 'strict', properties: { title: { type: 'text', analyzer: 'folded' }, city: { type: 'keyword' }, seats: { type: 'integer' } } },
    settings: { number_of_shards: 1, analysis: { analyzer: { folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] } } } },
  };

  it('finds nothing between the code and an index built from it, whatever the engine added', () => {
    const live = {
      mappings: { ...code.mappings, _meta: { alias: 'events', definitionHash: 'h', managedBy: 'reindexer' } },
      settings: {
        'index.number_of_shards': '1',
        'index.number_of_replicas': '1',
        'index.uuid': 'x1',
        'index.creation_date': '1765000000000',
        'index.provided_name': 'events_v3',
        'index.version.created': '136407827',
        'index.replication.type': 'DOCUMENT',
        'index.routing.allocation.include._tier_preference': 'data_content',
        'index.analysis.analyzer.folded.type': 'custom',
        'index.analysis.analyzer.folded.tokenizer': 'standard',
        'index.analysis.analyzer.folded.filter': ['lowercase', 'asciifolding'],
      },
    };
    expect(diffDefinition(code, live)).toEqual({ mappings: [], settings: [] });
  });

  it('names each added, removed and changed path with both values', () => {
    const live = {
      mappings: { properties: { title: { type: 'keyword' }, venue: { type: 'keyword' }, seats: { type: 'integer' } } },
      settings: { 'index.number_of_shards': '2', 'index.refresh_interval': '5s', 'index.analysis.analyzer.folded.type': 'custom', 'index.analysis.analyzer.folded.tokenizer': 'whitespace' },
    };
    expect(diffDefinition(code, live)).toEqual({
      mappings: [
        { path: 'dynamic', change: 'changed', code: 'strict', live: 'true' },
        { path: 'properties.city.type', change: 'added', code: 'keyword' },
        { path: 'properties.title.analyzer', change: 'added', code: 'folded' },
        { path: 'properties.title.type', change: 'changed', code: 'text', live: 'keyword' },
        { path: 'properties.venue.type', change: 'removed', live: 'keyword' },
      ],
      settings: [
        { path: 'index.analysis.analyzer.folded.filter', change: 'added', code: ['lowercase', 'asciifolding'] },
        { path: 'index.analysis.analyzer.folded.tokenizer', change: 'changed', code: 'standard', live: 'whitespace' },
        { path: 'index.number_of_shards', change: 'changed', code: '1', live: '2' },
        { path: 'index.refresh_interval', change: 'removed', live: '5s' },
      ],
    });
  });

  it('flattens nested settings the way the engine answers flat ones', () => {
    expect(flattenSettings({ number_of_shards: 1, index: { refresh_interval: '1s' }, 'index.max_result_window': 20000 })).toEqual({
      'index.number_of_shards': '1',
      'index.refresh_interval': '1s',
      'index.max_result_window': '20000',
    });
  });
});
