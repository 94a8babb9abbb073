import { eventsIndex } from '../../test/support/demo-definitions.js';
import type { AppConfig } from '../config/index.js';
import { DefinitionDeployments, IndexingErrorCode, type AliasRouting, type DocumentSync } from '../indexing/index.js';
import { IndexRegistry } from '../indices/index.js';
import type { Job, JobStore, Rollback } from '../job-store/index.js';
import type { SearchClusters, SearchGateway } from '../opensearch/index.js';
import type { AliasLookups } from './alias-lookups.service.js';
import { IndexSync } from './index-sync.service.js';
import type { IndexRollback } from './lifecycle/index-rollback.service.js';
import type { IndexVerifier, VerifyOptions, VerifyReport } from './verification/index-verifier.service.js';

const ALIAS = 'unit_events';
const SERVED = `${ALIAS}_v1`;
const registry = new IndexRegistry({ indexPrefix: 'unit_' } as AppConfig, [eventsIndex]);
const OWN_HASH = registry.definitionHash(eventsIndex);
/** The definition the served index was built from: an older one with only a title. */
const OTHER_HASH = 'b'.repeat(64);

/** A cluster whose alias serves an index of the other definition. */
function clusterServingOther(): SearchGateway {
  return {
    getAliasTargets: () => Promise.resolve([SERVED]),
    getIndexMeta: () => Promise.resolve({ mappings: { properties: { title: {} } }, settings: {}, definitionHash: OTHER_HASH }),
  } as unknown as SearchGateway;
}

describe('IndexSync of an index built from another definition', () => {
  const home = clusterServingOther();
  const next = clusterServingOther();
  /** The job building on the alias's home cluster. */
  let buildingHere: Job | null;
  let rollback: Rollback | null;
  /** The fields each repair of the alias was limited to. */
  let repairedWith: (ReadonlySet<string> | null)[];
  let sync: IndexSync;

  beforeEach(() => {
    buildingHere = null;
    rollback = null;
    repairedWith = [];
    // A newer deploy announced another definition than this replica's.
    const store = {
      listDeployedDefinitions: () => Promise.resolve([{ alias: ALIAS, definitionHash: OWN_HASH }, { alias: ALIAS, definitionHash: 'c'.repeat(64) }]),
      findRollback: () => Promise.resolve(rollback),
    } as unknown as JobStore;
    const deployments = new DefinitionDeployments({ reindex: { recoveryIntervalMs: 30_000, leaseMs: 30_000 } } as AppConfig, registry, store);
    const lookups = { definitionFor: () => eventsIndex, liveIndex: () => Promise.resolve(SERVED), refuseUnmanaged: () => Promise.resolve() } as unknown as AliasLookups;
    const verifier = {
      verifyOn: async (_gateway: SearchGateway, _alias: string, { repair }: VerifyOptions) => {
        await repair!([5]);
        return {} as VerifyReport;
      },
    } as unknown as IndexVerifier;
    const documents = {
      repairIds: (_gateway: SearchGateway, _definition: unknown, _ids: number[], indices: readonly string[], fields: ReadonlySet<string> | null = null) => {
        if (indices.includes(ALIAS)) repairedWith.push(fields);
        return Promise.resolve([]);
      },
    } as unknown as DocumentSync;
    const routing = { routeOf: () => Promise.resolve({ gateway: home, buildingHere }), gatewayOf: () => Promise.resolve(home) } as unknown as AliasRouting;
    sync = new IndexSync(registry, lookups, verifier, documents, deployments, {} as IndexRollback, { current: home, next } as unknown as SearchClusters, routing);
  });

  const building = (definitionHash: string) => ({ id: 9, alias: ALIAS, kind: 'FULL', status: 'RUNNING', phase: 'BACKFILL', targetIndex: `${ALIAS}_v2`, definitionHash }) as Job;

  it('refuses (DEFINITION_NOT_CURRENT) on a replica whose definition a newer deploy replaced', async () => {
    await expect(sync.sync(ALIAS)).rejects.toMatchObject({ code: IndexingErrorCode.DEFINITION_NOT_CURRENT });
    expect(repairedWith).toEqual([]);
  });

  it('repairs it with only the fields its mapping has while a job builds this replica\'s definition there', async () => {
    buildingHere = building(OWN_HASH);

    await sync.sync(ALIAS);

    expect(repairedWith).toEqual([new Set(['title'])]);
  });

  it('repairs it with only the fields its mapping has while an operator\'s rollback to it from this replica\'s definition holds', async () => {
    rollback = { alias: ALIAS, fromIndex: `${ALIAS}_v2`, toIndex: SERVED, heldDefinitionHash: OWN_HASH, instanceId: 'api', rolledBackAt: new Date() };

    await sync.sync(ALIAS);

    expect(repairedWith).toEqual([new Set(['title'])]);
  });

  it('counts no job of the alias\'s home cluster on the next one, nor a job of another definition', async () => {
    buildingHere = building(OWN_HASH);
    await expect(sync.sync(ALIAS, 'next')).rejects.toMatchObject({ code: IndexingErrorCode.DEFINITION_NOT_CURRENT });

    buildingHere = building(OTHER_HASH);
    await expect(sync.sync(ALIAS)).rejects.toMatchObject({ code: IndexingErrorCode.DEFINITION_NOT_CURRENT });
  });
});
