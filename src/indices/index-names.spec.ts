import { physicalIndexName, versionOfIndex, writeAliasOf, writeLabelsOf } from './index-names.js';

describe('writeLabelsOf', () => {
  it('labels a write through an alias as live, under that alias', () => {
    expect(writeLabelsOf('t_prefix_events')).toEqual({ index: 't_prefix_events', target: 'live' });
  });

  it('labels a write to an index being built with its alias, not the physical name that changes every rebuild', () => {
    expect(writeLabelsOf(writeAliasOf('events_v12'))).toEqual({ index: 'events', target: 'build' });
    expect(writeLabelsOf(writeAliasOf('my_venues_v3'))).toEqual({ index: 'my_venues', target: 'build' });
  });
});

describe('versionOfIndex', () => {
  it('reads the generation of the alias own physical names only', () => {
    expect(versionOfIndex('events', physicalIndexName('events', 12))).toBe(12);
    expect(versionOfIndex('events', 'events_visits_v3')).toBeNull();
    expect(versionOfIndex('a.b', 'axb_v1')).toBeNull();
  });
});
