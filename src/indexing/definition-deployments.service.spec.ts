import { eventsIndex } from '../../test/support/demo-definitions.js';
import type { AppConfig } from '../config/index.js';
import { IndexRegistry } from '../indices/index.js';
import type { JobStore, Rollback } from '../job-store/index.js';
import { DefinitionDeployments } from './definition-deployments.service.js';
import { IndexingErrorCode, IndexingException } from './indexing.exception.js';

const ALIAS = 'unit_events';
const registry = new IndexRegistry({ indexPrefix: 'unit_' } as AppConfig, [eventsIndex]);
const OWN_HASH = registry.definitionHash(eventsIndex);
const NEWER_HASH = 'c'.repeat(64);
/** The index the alias serves, built from another definition than this replica's. */
const SERVED = `${ALIAS}_v1`;

describe('DefinitionDeployments: may this replica write an index of another definition', () => {
  /** Definitions live replicas announced, oldest first seen first. */
  let announced: { alias: string; definitionHash: string }[];
  let rollback: Rollback | null;
  let deployments: DefinitionDeployments;

  beforeEach(() => {
    announced = [
      { alias: ALIAS, definitionHash: OWN_HASH },
      { alias: ALIAS, definitionHash: NEWER_HASH },
    ];
    rollback = null;
    const store = { listDeployedDefinitions: () => Promise.resolve(announced), findRollback: () => Promise.resolve(rollback) } as unknown as JobStore;
    const config = { reindex: { recoveryIntervalMs: 30_000, leaseMs: 30_000 } } as AppConfig;
    deployments = new DefinitionDeployments(config, registry, store);
  });

  const mayWrite = (buildingOwnDefinition = false, servedIndex: string | undefined = SERVED) => deployments.mayWriteOtherDefinition(eventsIndex, { servedIndex, buildingOwnDefinition });
  const heldBack = (toIndex: string, heldDefinitionHash = OWN_HASH): Rollback => ({ alias: ALIAS, fromIndex: `${ALIAS}_v2`, toIndex, heldDefinitionHash, instanceId: 'api', rolledBackAt: new Date() });

  it('leaves it alone when a newer deploy replaced this replica\'s definition and nothing else holds', async () => {
    await expect(mayWrite()).resolves.toBe(false);
  });

  it('writes it while a job builds this replica\'s definition, although a newer deploy announced another', async () => {
    await expect(mayWrite(true)).resolves.toBe(true);
  });

  it('writes it when this replica\'s definition is the one deployed last, or no replica announced any', async () => {
    announced.reverse();
    await expect(mayWrite()).resolves.toBe(true);

    announced = [];
    await expect(mayWrite()).resolves.toBe(true);
  });

  it('writes it while an operator\'s rollback from this replica\'s definition to the index served holds', async () => {
    rollback = heldBack(SERVED);
    await expect(mayWrite()).resolves.toBe(true);
  });

  it.each<[string, Rollback]>([
    ['to another index than the one served', heldBack(`${ALIAS}_v0`)],
    ['from another definition', heldBack(SERVED, NEWER_HASH)],
  ])('leaves it alone when the rollback went %s', async (_case, other) => {
    rollback = other;
    await expect(mayWrite()).resolves.toBe(false);
  });

  it('refuses with DEFINITION_NOT_CURRENT, naming the definition deployed last, only where the rule says no', async () => {
    await expect(deployments.requireMayWriteOtherDefinition(eventsIndex, { servedIndex: SERVED, buildingOwnDefinition: true })).resolves.toBeUndefined();

    const refusal = deployments.requireMayWriteOtherDefinition(eventsIndex, { servedIndex: SERVED, buildingOwnDefinition: false });
    await expect(refusal).rejects.toThrow(IndexingException);
    await expect(refusal).rejects.toMatchObject({ code: IndexingErrorCode.DEFINITION_NOT_CURRENT });
    await expect(refusal).rejects.toThrow(`than the one deployed last (${NEWER_HASH.slice(0, 12)})`);
  });
});
