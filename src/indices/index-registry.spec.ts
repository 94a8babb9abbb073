import { demoDefinitions, eventsIndex, venuesIndex } from '../../test/support/demo-definitions.js';
import { loadConfig, type AppConfig } from '../config/index.js';
import { definitionHash } from './definition-hash.js';
import type { IndexDefinition } from './index-definition.js';
import { IndexRegistry } from './index-registry.js';
import { IndicesException, IndicesExceptionCode } from './indices.exception.js';

function config(indexPrefix: string): AppConfig {
  return loadConfig({
    DATABASE_URL: 'mysql://root@127.0.0.1:3306/unit',
    OPENSEARCH_NODE: 'http://127.0.0.1:9200',
    RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
    ADMIN_API_TOKEN: 'unit-test-token-0123456789',
    INDEX_PREFIX: indexPrefix,
  });
}

function thrownBy(action: () => unknown): IndicesException {
  try {
    action();
  } catch (error) {
    if (error instanceof IndicesException) return error;
    throw error;
  }
  throw new Error('expected an IndicesException');
}

describe('IndexRegistry', () => {
  const registry = new IndexRegistry(config('staging_'), demoDefinitions);

  it('lists every registered definition', () => {
    expect(registry.all().map((definition) => definition.name)).toEqual(['events', 'venues']);
  });

  it('finds a definition by name and by its prefixed alias', () => {
    expect(registry.get('events')).toBe(eventsIndex);
    expect(registry.byAlias('staging_venues')).toBe(venuesIndex);
  });

  it('rejects an unknown name with UNKNOWN_INDEX and lists the known ones', () => {
    expect(() => registry.get('artists')).toThrow('no index is named "artists"; known: events, venues');
    expect(thrownBy(() => registry.get('artists'))).toMatchObject({ code: IndicesExceptionCode.UNKNOWN_INDEX });
  });

  it('rejects an alias without the deployment prefix', () => {
    expect(() => registry.byAlias('events')).toThrow('no index has the alias "events"');
  });

  it('prefixes aliases with INDEX_PREFIX', () => {
    expect(registry.aliasFor(eventsIndex)).toBe('staging_events');
    expect(new IndexRegistry(config(''), demoDefinitions).aliasFor(eventsIndex)).toBe('events');
  });

  it('hashes each definition once and keeps the hash', () => {
    expect(registry.definitionHash(eventsIndex)).toBe(definitionHash(eventsIndex));
    expect(registry.definitionHash(eventsIndex)).toBe(registry.definitionHash(eventsIndex));
    expect(registry.definitionHash(eventsIndex)).not.toBe(registry.definitionHash(venuesIndex));
  });

  it('finds the definitions an entity change touches', () => {
    expect(registry.forEntity('venue').map((definition) => definition.name)).toEqual(['events', 'venues']);
    expect(registry.forEntity('booking').map((definition) => definition.name)).toEqual(['events']);
    expect(registry.forEntity('artist')).toEqual([]);
    expect(registry.forEntity('constructor')).toEqual([]);
  });

  it('knows the entities from the definitions\' touches', () => {
    expect(registry.entities()).toEqual(['booking', 'event', 'venue']);
  });

  it('serves a replaced list, as a redeploy with a changed mapping would', () => {
    const changed: IndexDefinition = { ...eventsIndex, mappings: { ...eventsIndex.mappings, dynamic: false } };
    const redeployed = new IndexRegistry(config('staging_'), [changed, venuesIndex]);
    expect(redeployed.get('events')).toBe(changed);
    expect(redeployed.definitionHash(changed)).not.toBe(registry.definitionHash(eventsIndex));
  });

  it('refuses two definitions with the same name', () => {
    expect(thrownBy(() => new IndexRegistry(config(''), [eventsIndex, eventsIndex]))).toMatchObject({ code: IndicesExceptionCode.DUPLICATE_INDEX });
  });
});
