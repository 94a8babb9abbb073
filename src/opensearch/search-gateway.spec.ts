import { writeAliasOf, writeLabelsOf } from './search-gateway.js';

describe('writeLabelsOf', () => {
  it('labels a write through an alias as live, under that alias', () => {
    expect(writeLabelsOf('t_prefix_events')).toEqual({ index: 't_prefix_events', target: 'live' });
  });

  it('labels a write to an index being built with its alias, not the physical name that changes every rebuild', () => {
    expect(writeLabelsOf(writeAliasOf('events_v12'))).toEqual({ index: 'events', target: 'build' });
    expect(writeLabelsOf(writeAliasOf('my_venues_v3'))).toEqual({ index: 'my_venues', target: 'build' });
  });
});
