import { MANAGED_BY, type ManagedIndex } from '../../opensearch/index.js';
import { retention, rolesOf, type AliasOnCluster } from './index-roles.js';

const index = (name: string, aliases: string[] = []): ManagedIndex => ({
  index: name,
  managedBy: MANAGED_BY,
  alias: 'events',
  aliases: [`${name}.writes`, ...aliases],
  definitionHash: 'h',
  documents: 1,
  sizeBytes: 1,
  health: 'green',
  open: true,
  createdAt: null,
});
const home: AliasOnCluster = { declared: true, place: 'home', replaced: null, rolledBackFrom: null };
const roles = (indices: ManagedIndex[], on: Partial<AliasOnCluster> = {}, building: string[] = [], keep = 1) =>
  Object.fromEntries([...rolesOf('events', indices, new Set(building), { ...home, ...on }, keep)].map(([name, { role }]) => [name, role]));

describe('retention', () => {
  it('keeps the index the live one replaced first, then the newest', () => {
    expect(retention('events', ['events_v2', 'events_v9', 'events_v5'], 'events_v2', 2)).toEqual({ kept: ['events_v2', 'events_v9'], beyond: ['events_v5'] });
    expect(retention('events', ['events_v2', 'events_v9', 'events_v5'], null, 1)).toEqual({ kept: ['events_v9'], beyond: ['events_v5', 'events_v2'] });
    expect(retention('events', ['events_v2'], null, 0)).toEqual({ kept: [], beyond: ['events_v2'] });
  });
});

describe('rolesOf', () => {
  it('names the live index, what a job builds, what is kept for rollback and what nothing keeps', () => {
    const indices = [index('events_v1'), index('events_v2'), index('events_v3'), index('events_v4', ['events']), index('events_v5'), index('events_v6')];
    expect(roles(indices, { replaced: 'events_v2' }, ['events_v6'])).toEqual({
      events_v1: 'orphan',
      events_v2: 'retained',
      events_v3: 'orphan',
      events_v4: 'live',
      // Newer than the live index and built by no job: left by a job that ended without swapping.
      events_v5: 'orphan',
      events_v6: 'building',
    });
  });

  it('says why, with the numbers an operator checks', () => {
    const why = rolesOf('events', [index('events_v1'), index('events_v2'), index('events_v3', ['events'])], new Set(), { ...home, replaced: 'events_v2' }, 1);
    expect(why.get('events_v2')?.why).toBe('served events before events_v3: a rollback goes back to it');
    expect(why.get('events_v1')?.why).toBe('beyond the 1 kept for rollback (REINDEX_RETAIN_PREVIOUS)');
  });

  it('keeps the index an operator rolled back from, newer than the live one', () => {
    expect(roles([index('events_v1', ['events']), index('events_v2')], { rolledBackFrom: 'events_v2' })).toEqual({ events_v1: 'live', events_v2: 'retained' });
  });

  it('keeps what a migration may still need on either end, and names what serves there', () => {
    expect(roles([index('events_v7', ['events']), index('events_v6')], { place: 'next' })).toEqual({ events_v7: 'next-cluster', events_v6: 'retained' });
    expect(roles([index('events_v3', ['events']), index('events_v2')], { place: 'previous' })).toEqual({ events_v3: 'previous-cluster', events_v2: 'retained' });
  });

  it('orphans every unserved index on a cluster the alias does not live on, or of an alias no longer declared', () => {
    expect(roles([index('events_v7'), index('events_v8', ['events'])], { place: 'elsewhere' })).toEqual({ events_v7: 'orphan', events_v8: 'live' });
    expect(roles([index('events_v1'), index('events_v2', ['events'])], { declared: false })).toEqual({ events_v1: 'orphan', events_v2: 'live' });
    expect(roles([index('events_v1')], {})).toEqual({ events_v1: 'orphan' });
  });

  it('never orphans an index another alias serves, or one not named <alias>_v<N>', () => {
    expect(roles([index('events_v1', ['reports']), index('events_copy'), index('events_v2', ['events'])], {}, [], 0)).toEqual({ events_v1: 'live', events_copy: 'retained', events_v2: 'live' });
  });
});
