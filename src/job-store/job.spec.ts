import { ACTIVE_MIGRATION_STATES, homeClusterOf, isActiveMigration, owesResync, type ClusterMigration, type MigrationState } from './job.js';

const migration = (state: MigrationState, patch: Partial<ClusterMigration> = {}) => ({ state, fromClusterUuid: 'old', toClusterUuid: 'new', cutOverAt: null, resyncedAt: null, ...patch }) as ClusterMigration;

describe('a migration', () => {
  it.each<[MigrationState, string]>([
    ['BUILDING', 'old'],
    ['MIRRORING', 'old'],
    ['CUT_OVER', 'new'],
    ['ABORTING', 'old'],
    ['ABORTED', 'old'],
    ['FAILED', 'old'],
    ['RETIRING', 'new'],
    ['RETIRED', 'new'],
  ])('%s lives on the %s cluster', (state, home) => {
    expect(homeClusterOf(migration(state))).toBe(home);
  });

  it('has not ended while ABORTING or RETIRING: it still holds its alias', () => {
    expect(ACTIVE_MIGRATION_STATES).toEqual(['BUILDING', 'MIRRORING', 'CUT_OVER', 'ABORTING', 'RETIRING']);
    expect(isActiveMigration(migration('ABORTING'))).toBe(true);
    expect(isActiveMigration(migration('ABORTED'))).toBe(false);
  });

  it('owes the old cluster a re-sync once it was cut over, until the re-sync is recorded', () => {
    expect(owesResync(migration('ABORTING'))).toBe(false);
    expect(owesResync(migration('ABORTING', { cutOverAt: new Date() }))).toBe(true);
    expect(owesResync(migration('ABORTING', { cutOverAt: new Date(), resyncedAt: new Date() }))).toBe(false);
  });
});
