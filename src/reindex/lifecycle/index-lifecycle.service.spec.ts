import type { AppConfig } from '../../config/index.js';
import type { Job, JobStore } from '../../job-store/index.js';
import { MANAGED_BY, type IndexOwnership, type SearchClusters, type SearchGateway } from '../../opensearch/index.js';
import { IndexLifecycle } from './index-lifecycle.service.js';
import { keepReason } from './index-ownership.js';

const ours = (alias: string, aliases: string[] = []): IndexOwnership => ({ managedBy: MANAGED_BY, alias, aliases });

describe('keepReason', () => {
  it('lets only our own, unserved, unbuilt <alias>_v<N> go', () => {
    expect(keepReason('events', 'events_v3', ours('events', ['events_v3.writes']), [])).toBeNull();
  });

  it('keeps an index without our _meta marker', () => {
    expect(keepReason('events', 'events_v2', { managedBy: null, alias: null, aliases: [] }, [])).toMatch(/not created by this service/);
    expect(keepReason('events', 'events_v2', { managedBy: 'someone-else', alias: 'events', aliases: [] }, [])).toMatch(/not created by this service/);
  });

  it('keeps an index of ours created for another alias', () => {
    expect(keepReason('events', 'events_v2', ours('events_visits'), [])).toMatch(/created for events_visits/);
  });

  it('keeps an index of ours whose name is not <alias>_v<N>', () => {
    expect(keepReason('events', 'events_v2_backup', ours('events'), [])).toMatch(/not named events_v<N>/);
    expect(keepReason('events', 'events_visits', ours('events'), [])).toMatch(/not named/);
  });

  it('keeps an index any alias serves, not only the alias in question', () => {
    expect(keepReason('events', 'events_v2', ours('events', ['events']), [])).toMatch(/alias serves it \(events\)/);
    expect(keepReason('events', 'events_v2', ours('events', ['events_v2.writes', 'reports']), [])).toMatch(/\(reports\)/);
  });

  it('keeps the target of a job that has not ended', () => {
    expect(keepReason('events', 'events_v2', ours('events'), ['events_v2'])).toMatch(/job that has not ended/);
  });
});

/** A cluster as a map of index → ownership; aliases are read from the ownerships. */
class FakeCluster {
  readonly deleted: string[] = [];
  constructor(readonly indices: Map<string, IndexOwnership>) {}

  gateway(): SearchGateway {
    return {
      listOwnedIndices: (alias: string) => Promise.resolve([...this.indices].filter(([, o]) => o.managedBy === MANAGED_BY && o.alias === alias).map(([name]) => name)),
      getIndexOwnership: (name: string) => Promise.resolve(this.indices.get(name) ?? null),
      getAliasTargets: (alias: string) => Promise.resolve([...this.indices].filter(([, o]) => o.aliases.includes(alias)).map(([name]) => name)),
      removeAlias: (alias: string, from: readonly string[]) => {
        for (const name of from) {
          const o = this.indices.get(name)!;
          this.indices.set(name, { ...o, aliases: o.aliases.filter((a) => a !== alias) });
        }
        return Promise.resolve();
      },
      deleteIndex: (name: string) => {
        this.deleted.push(name);
        return Promise.resolve(this.indices.delete(name) ? 'deleted' : 'not_found');
      },
    } as unknown as SearchGateway;
  }
}

function lifecycle(cluster: FakeCluster, building: string[] = [], retainPrevious = 0) {
  const store = { listActiveTargets: () => Promise.resolve(building) } as unknown as JobStore;
  const clusters = { current: null, gatewayFor: () => Promise.resolve(cluster.gateway()) } as unknown as SearchClusters;
  return new IndexLifecycle(clusters, store, { reindex: { retainPrevious } } as unknown as AppConfig);
}

const foreign: IndexOwnership = { managedBy: null, alias: null, aliases: [] };

describe('IndexLifecycle deletes', () => {
  it('a cluster the alias leaves loses only our indices, the alias first; others beside them stay and are never reported', async () => {
    const cluster = new FakeCluster(
      new Map([
        ['events_v1', ours('events', ['events_v1.writes'])],
        ['events_v2', ours('events', ['events', 'events_v2.writes'])],
        ['events_visits', foreign],
        ['events_v2_backup', foreign],
        ['events_v3_copy', ours('events')],
        ['venues_v1', ours('venues', ['venues'])],
      ]),
    );
    const deleted = await lifecycle(cluster).deleteAliasIndices(cluster.gateway(), 'events');
    expect(deleted.sort()).toEqual(['events_v1', 'events_v2']);
    expect(cluster.deleted.sort()).toEqual(['events_v1', 'events_v2']);
    expect([...cluster.indices.keys()].sort()).toEqual(['events_v2_backup', 'events_v3_copy', 'events_visits', 'venues_v1']);
  });

  it('a foreign concrete index the alias serves is kept, and so is the alias on it', async () => {
    const cluster = new FakeCluster(new Map([['legacy_events', { managedBy: null, alias: null, aliases: ['events'] }]]));
    expect(await lifecycle(cluster).deleteAliasIndices(cluster.gateway(), 'events', ['legacy_events'])).toEqual([]);
    expect(cluster.indices.get('legacy_events')!.aliases).toEqual(['events']);
  });

  it('CLEANUP deletes older generations of ours, never foreign ones matching the pattern, nor a job target', async () => {
    const cluster = new FakeCluster(
      new Map([
        ['events_v1', ours('events')],
        ['events_v2', ours('events')],
        ['events_v3', ours('events', ['events'])],
        ['events_v0', ours('events')],
        ['events_visits', foreign],
        ['events_v2_backup', foreign],
      ]),
    );
    const job = { id: 9, alias: 'events', targetIndex: 'events_v3', sourceIndex: 'events_v2', clusterUuid: null } as unknown as Job;
    expect(await lifecycle(cluster, ['events_v0'], 1).removePrevious(job)).toEqual(['events_v1']);
    expect([...cluster.indices.keys()].sort()).toEqual(['events_v0', 'events_v2', 'events_v2_backup', 'events_v3', 'events_visits']);
  });

  it('an ended job target that is not ours is never deleted', async () => {
    const cluster = new FakeCluster(new Map([['events_v4', foreign]]));
    await lifecycle(cluster).removeTargetOfEndedJob({ id: 1, kind: 'FULL', alias: 'events', targetIndex: 'events_v4', phase: 'BACKFILL', status: 'FAILED', clusterUuid: null } as unknown as Job);
    expect(cluster.deleted).toEqual([]);
  });
});
