import { type EventRow, type VenueRow, demoDefinitions, eventsIndex, venuesIndex } from '../support/demo-definitions.js';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule } from '../../src/config/config.module.js';
import { compareDefinition } from '../../src/drift/drift.js';
import { definitionHash } from '../../src/indices/definition-hash.js';
import type { IndexDefinition, SourceRow } from '../../src/indices/index-definition.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode } from '../../src/opensearch/opensearch-gateway.exception.js';
import { OpenSearchModule } from '../../src/opensearch/opensearch.module.js';
import { MANAGED_BY, SearchGateway, type IndexSpec } from '../../src/opensearch/search-gateway.js';
import { BULK_LOAD_SETTINGS } from '../../src/reindex/lifecycle/bulk-load-settings.js';
import { parsePrometheusText, sampleSum } from '../support/prometheus-text.js';
import { enginesUnderTest } from '../support/search-engines.js';
import { TestContext } from '../support/test-context.js';
import { writeAliasOf } from '../../src/indices/index-names.js';

const MAPPINGS = { dynamic: 'strict', properties: { title: { type: 'text' }, city: { type: 'keyword' }, seats: { type: 'integer' } } };
const SETTINGS = { number_of_shards: 1, number_of_replicas: 0 };

// One contract, one code path: the same gateway against every engine the service supports.
describe.each(enginesUnderTest())('OpenSearchGateway against a real $label node', ({ engine, node, version }) => {
  let context: TestContext;
  let moduleRef: TestingModule;
  let gateway: SearchGateway;

  const name = (suffix: string): string => `${context.indexPrefix}${suffix}`;
  const spec = (alias: string, definitionHash = 'a'.repeat(64)): IndexSpec => ({ mappings: MAPPINGS, settings: SETTINGS, meta: { alias, definitionHash } });
  const doc = (title: string, city = 'Berlin', seats = 10): Record<string, unknown> => ({ title, city, seats });

  async function stored(index: string, id: string): Promise<Record<string, unknown> | undefined> {
    await gateway.refresh(index);
    const result = await gateway.search(index, { query: { ids: { values: [id] } } });
    return result.hits[0]?.source;
  }

  async function rejection(promise: Promise<unknown>): Promise<OpenSearchGatewayException> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenSearchGatewayException);
    return error as OpenSearchGatewayException;
  }

  beforeAll(async () => {
    context = await TestContext.create(`gateway_${engine}`, { opensearchNode: node });
    moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(context.config()), OpenSearchModule] }).compile();
    gateway = moduleRef.get(SearchGateway);
  });

  afterAll(async () => {
    await moduleRef.close();
    await context.dispose();
  });

  describe('indices', () => {
    it('creates an index, and a second create of the same name answers exists', async () => {
      const index = name('create_v1');

      expect(await gateway.createIndex(index, spec('create'))).toBe('created');
      expect(await gateway.createIndex(index, spec('create'))).toBe('exists');
      expect(await gateway.indexExists(index)).toBe(true);
      expect(await gateway.indexExists(name('create_v2'))).toBe(false);
    });

    it('stores alias and definition hash in the mapping _meta and reads the hash back apart from the mappings', async () => {
      const index = name('meta_v1');
      await gateway.createIndex(index, spec(name('meta'), 'f'.repeat(64)));

      const meta = await gateway.getIndexMeta(index);

      expect(meta.definitionHash).toBe('f'.repeat(64));
      expect(meta.mappings).toEqual(MAPPINGS);
      expect(meta.settings).toMatchObject({ 'index.number_of_shards': '1', 'index.number_of_replicas': '0' });
    });

    it('tells ours from theirs by _meta, never by name: owned indices of an alias, and each index\'s owner and aliases', async () => {
      const alias = name('owned');
      await gateway.createIndex(`${alias}_v1`, spec(alias));
      await gateway.createIndex(`${alias}_v2`, spec(alias));
      await gateway.createIndex(`${alias}_visits_v1`, spec(`${alias}_visits`));
      await fetch(`${context.opensearchNode}/${alias}_v2_backup`, { method: 'PUT' });
      await fetch(`${context.opensearchNode}/${alias}_other`, { method: 'PUT' });
      await gateway.swapAlias({ alias, addIndex: `${alias}_v2`, removeFrom: [] });

      expect(await gateway.listOwnedIndices(alias)).toEqual([`${alias}_v1`, `${alias}_v2`]);
      expect(await gateway.getIndexOwnership(`${alias}_v2`)).toEqual({ managedBy: MANAGED_BY, alias, aliases: [alias, writeAliasOf(`${alias}_v2`)].sort() });
      expect(await gateway.getIndexOwnership(`${alias}_v2_backup`)).toEqual({ managedBy: null, alias: null, aliases: [] });
      // The alias's name resolves to the index it serves, which is not an index of that name.
      expect(await gateway.getIndexOwnership(alias)).toBeNull();
      expect(await gateway.getIndexOwnership(`${alias}_v9`)).toBeNull();

      await gateway.removeAlias(alias, [`${alias}_v1`, `${alias}_v2`]);
      expect(await gateway.getAliasTargets(alias)).toEqual([]);
      expect((await gateway.getIndexOwnership(`${alias}_v2`))?.aliases).toEqual([writeAliasOf(`${alias}_v2`)]);
    });

    it('lists every index of ours, whatever its alias, with documents, size, health, aliases and creation time; none of theirs', async () => {
      const alias = name('managed');
      const before = Date.now();
      await gateway.createIndex(`${alias}_v1`, spec(alias, 'b'.repeat(64)));
      await gateway.createIndex(`${alias}_x_v1`, spec(`${alias}_x`));
      await fetch(`${context.opensearchNode}/${alias}_v1_backup`, { method: 'PUT' });
      await gateway.swapAlias({ alias, addIndex: `${alias}_v1`, removeFrom: [] });
      await gateway.bulk(alias, [{ action: 'index', id: '1', version: 1, document: doc('one') }, { action: 'index', id: '2', version: 1, document: doc('two') }]);
      await gateway.refresh(`${alias}_v1`);

      const listed = (await gateway.listManagedIndices()).filter((index) => index.index.startsWith(alias));
      expect(listed.map((index) => index.index)).toEqual([`${alias}_v1`, `${alias}_x_v1`]);
      const [served, other] = listed;
      expect(served).toMatchObject({ managedBy: MANAGED_BY, alias, definitionHash: 'b'.repeat(64), aliases: [alias, writeAliasOf(`${alias}_v1`)].sort(), documents: 2, open: true });
      expect(['green', 'yellow']).toContain(served.health);
      expect(served.sizeBytes).toBeGreaterThan(0);
      expect(served.createdAt!.getTime()).toBeGreaterThanOrEqual(before - 5_000);
      expect(other).toMatchObject({ alias: `${alias}_x`, aliases: [writeAliasOf(`${alias}_x_v1`)], documents: 0 });
    });

    it('write-blocks a foreign index, clones it with its documents, and lifts the block', async () => {
      const index = name('adoptee');
      await fetch(`${context.opensearchNode}/${index}/_doc/1?refresh=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'kept' }) });

      await gateway.setWriteBlock(index, true);
      expect(await gateway.cloneIndex(index, `${index}_copy`)).toBe('created');
      expect(await gateway.cloneIndex(index, `${index}_copy`)).toBe('exists');
      expect(await stored(`${index}_copy`, '1')).toEqual({ title: 'kept' });
      await gateway.setWriteBlock(index, false);
      expect((await fetch(`${context.opensearchNode}/${index}/_doc/2`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"title":"writable"}' })).ok).toBe(true);
    });

    it('reads a null definition hash from an index created outside the service', async () => {
      const index = name('foreign');
      await fetch(`${context.opensearchNode}/${index}`, { method: 'PUT' });

      expect((await gateway.getIndexMeta(index)).definitionHash).toBeNull();
    });

    it('throws a permanent INDEX_NOT_FOUND for the meta of a missing index', async () => {
      const error = await rejection(gateway.getIndexMeta(name('missing')));

      expect(error).toMatchObject({ code: OpenSearchGatewayExceptionCode.INDEX_NOT_FOUND, transient: false, status: 404 });
    });

    it('lists the physical indices matching a pattern, and none for a pattern that matches nothing', async () => {
      await gateway.createIndex(name('listed_v2'), spec('listed'));
      await gateway.createIndex(name('listed_v1'), spec('listed'));

      expect(await gateway.listIndices(name('listed_v*'))).toEqual([name('listed_v1'), name('listed_v2')]);
      expect(await gateway.listIndices(name('nothing_v*'))).toEqual([]);
      expect(await gateway.listIndices(name('nothing_v1'))).toEqual([]);
    });

    it('deletes an index once and answers not_found the second time', async () => {
      const index = name('deleted_v1');
      await gateway.createIndex(index, spec('deleted'));

      expect(await gateway.deleteIndex(index)).toBe('deleted');
      expect(await gateway.deleteIndex(index)).toBe('not_found');
      expect(await gateway.indexExists(index)).toBe(false);
    });

    it('refuses to delete by wildcard or through an alias', async () => {
      const index = name('guarded_v1');
      await gateway.createIndex(index, spec('guarded'));
      await gateway.swapAlias({ alias: name('guarded'), addIndex: index, removeFrom: [] });

      expect(await rejection(gateway.deleteIndex(name('guarded_*')))).toMatchObject({ code: OpenSearchGatewayExceptionCode.REQUEST_FAILED });
      expect(await rejection(gateway.deleteIndex(name('guarded')))).toMatchObject({ code: OpenSearchGatewayExceptionCode.REQUEST_FAILED, status: 400 });
      expect(await gateway.indexExists(index)).toBe(true);
    });

    it('applies bulk-load settings, then restores them, refreshes and counts', async () => {
      const index = name('settings_v1');
      await gateway.createIndex(index, spec('settings'));
      await gateway.putSettings(index, { index: { refresh_interval: '-1', gc_deletes: '1h' } });
      await gateway.bulk(writeAliasOf(index), [
        { action: 'index', id: '1', version: 1, document: doc('one') },
        { action: 'index', id: '2', version: 1, document: doc('two') },
      ]);

      expect(await gateway.count(index)).toBe(0);
      expect((await gateway.getIndexMeta(index)).settings).toMatchObject({ 'index.refresh_interval': '-1', 'index.gc_deletes': '1h' });

      await gateway.putSettings(index, { index: { refresh_interval: null } });
      await gateway.refresh(index);

      expect(await gateway.count(index)).toBe(2);
      expect((await gateway.getIndexMeta(index)).settings).not.toHaveProperty('index.refresh_interval');
    });
  });

  describe('bulk with external versions', () => {
    let index: string;

    beforeAll(async () => {
      index = name('bulk_v1');
      await gateway.createIndex(index, spec('bulk'));
    });

    it('writes documents at their versions and reads the versions back, leaving absent ids out', async () => {
      const result = await gateway.bulk(writeAliasOf(index), [
        { action: 'index', id: '1', version: 5, document: doc('first') },
        { action: 'index', id: '2', version: 1_700_000_000_123, document: doc('second') },
      ]);

      expect(result).toEqual({ written: 2, staleSkipped: 0, failures: [] });
      expect(await gateway.getVersions(index, ['1', '2', '404'])).toEqual(
        new Map([
          ['1', 5],
          ['2', 1_700_000_000_123],
        ]),
      );
    });

    it('builds a request a page at a time (openBulk), counting its bytes, and writes it as bulk does', async () => {
      const request = gateway.openBulk(writeAliasOf(index));
      request.add([{ action: 'index', id: 'page-1', version: 1, document: doc('first page') }]);
      const afterOne = request.bytes();
      request.add([
        { action: 'index', id: 'page-2', version: 1, document: doc('second page') },
        { action: 'index', id: 'page-3', version: 1, document: doc('second page') },
      ]);

      expect(afterOne).toBeGreaterThan(40);
      expect(request.bytes()).toBeGreaterThan(2 * afterOne);
      expect(request.size()).toBe(3);
      expect(await request.send()).toEqual({ written: 3, staleSkipped: 0, failures: [] });
      expect([...(await gateway.getVersions(index, ['page-1', 'page-2', 'page-3'])).keys()]).toEqual(['page-1', 'page-2', 'page-3']);
    });

    it('reads the write thread pools of the nodes (writePressure)', async () => {
      const pressure = await gateway.writePressure();

      expect(pressure.threads).toBeGreaterThanOrEqual(1);
      expect(pressure.queue).toBeGreaterThanOrEqual(0);
      expect(pressure.rejected).toBeGreaterThanOrEqual(0);
    });

    it('counts an older version as stale, not as a failure, and keeps the newer document', async () => {
      await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: 'stale', version: 10, document: doc('newer') }]);

      const result = await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: 'stale', version: 9, document: doc('older') }]);

      expect(result).toEqual({ written: 0, staleSkipped: 1, failures: [] });
      expect(await stored(index, 'stale')).toEqual(doc('newer'));
      expect((await gateway.getVersions(index, ['stale'])).get('stale')).toBe(10);
    });

    it('rewrites the same version again (external_gte), so replaying a batch is harmless', async () => {
      await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: 'replay', version: 3, document: doc('once') }]);

      const result = await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: 'replay', version: 3, document: doc('once') }]);

      expect(result).toEqual({ written: 1, staleSkipped: 0, failures: [] });
    });

    it('keeps a versioned delete as a tombstone that rejects an older re-create', async () => {
      await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: 'gone', version: 4, document: doc('live') }]);
      expect(await gateway.bulk(writeAliasOf(index), [{ action: 'delete', id: 'gone', version: 6 }])).toEqual({ written: 1, staleSkipped: 0, failures: [] });

      const recreate = await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: 'gone', version: 5, document: doc('backfilled before the delete') }]);

      expect(recreate).toEqual({ written: 0, staleSkipped: 1, failures: [] });
      expect(await stored(index, 'gone')).toBeUndefined();
    });

    it('leaves a tombstone even when the versioned delete finds no document, counting it as written', async () => {
      expect(await gateway.bulk(writeAliasOf(index), [{ action: 'delete', id: 'never', version: 8 }])).toEqual({ written: 1, staleSkipped: 0, failures: [] });

      expect(await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: 'never', version: 7, document: doc('late') }])).toMatchObject({ written: 0, staleSkipped: 1 });
    });

    it('counts a delete at an older version as stale and keeps the document', async () => {
      await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: 'kept', version: 20, document: doc('kept') }]);

      expect(await gateway.bulk(writeAliasOf(index), [{ action: 'delete', id: 'kept', version: 19 }])).toEqual({ written: 0, staleSkipped: 1, failures: [] });
      expect(await stored(index, 'kept')).toEqual(doc('kept'));
    });

    it('deletes without a version when none is given', async () => {
      await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: 'plain', version: 2, document: doc('plain') }]);

      expect(await gateway.bulk(writeAliasOf(index), [{ action: 'delete', id: 'plain' }])).toEqual({ written: 1, staleSkipped: 0, failures: [] });
      expect(await gateway.getVersions(index, ['plain'])).toEqual(new Map());
    });

    it('reports a document the mapping rejects as a failure with its id, status and reason, and writes the rest', async () => {
      const result = await gateway.bulk(writeAliasOf(index), [
        { action: 'index', id: 'good', version: 1, document: doc('good') },
        { action: 'index', id: 'bad', version: 1, document: { title: 'bad', unknownField: true } },
      ]);

      expect(result.written).toBe(1);
      expect(result.staleSkipped).toBe(0);
      expect(result.failures).toEqual([{ id: 'bad', status: 400, reason: expect.stringMatching(/^strict_dynamic_mapping_exception: /) as unknown }]);
    });

    it('never creates an index: a bulk through a deleted index\'s write alias, or to a concrete name, fails every document with 404', async () => {
      const index = name('deleted_v1');
      await gateway.createIndex(index, spec('deleted'));
      await gateway.deleteIndex(index);

      const late = await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: '1', version: 1, document: doc('late') }]);
      const concrete = await gateway.bulk(index, [{ action: 'index', id: '1', version: 1, document: doc('late') }]);

      expect(late).toMatchObject({ written: 0, failures: [{ id: '1', status: 404, reason: expect.stringMatching(/^index_not_found_exception: /) as unknown }] });
      expect(concrete).toMatchObject({ written: 0, failures: [{ id: '1', status: 404 }] });
      expect(await gateway.indexExists(index)).toBe(false);
    });

    it('adds the write alias to an index created without one, and refuses for a missing index', async () => {
      const index = name('older_v1');
      await fetch(`${context.opensearchNode}/${index}`, { method: 'PUT' });
      await gateway.ensureWriteAlias(index);
      await gateway.ensureWriteAlias(index);

      expect(await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: '1', version: 1, document: doc('one') }])).toMatchObject({ written: 1, failures: [] });
      expect(await rejection(gateway.ensureWriteAlias(name('missing_v1')))).toMatchObject({ code: OpenSearchGatewayExceptionCode.INDEX_NOT_FOUND });
    });

    it('does not call OpenSearch for an empty batch', async () => {
      expect(await gateway.bulk(name('no_such_index'), [])).toEqual({ written: 0, staleSkipped: 0, failures: [] });
      expect(await gateway.indexExists(name('no_such_index'))).toBe(false);
    });

    it('throws INDEX_NOT_FOUND when reading versions from a missing index', async () => {
      expect(await rejection(gateway.getVersions(name('no_such_index'), ['1']))).toMatchObject({ code: OpenSearchGatewayExceptionCode.INDEX_NOT_FOUND });
    });

    it('scans every id with its version page by page through a scroll, without sources', async () => {
      const scanned = name('scan_v1');
      await gateway.createIndex(scanned, spec('scan'));
      await gateway.bulk(
        writeAliasOf(scanned),
        [1, 2, 3, 4, 5].map((n) => ({ action: 'index', id: `s${n}`, version: n * 10, document: doc(`scanned ${n}`) })),
      );
      await gateway.refresh(scanned);

      const pages: { id: string; version: number }[][] = [];
      for await (const page of gateway.scanVersions(scanned, 2)) pages.push([...page]);

      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat().sort((a, b) => a.id.localeCompare(b.id))).toEqual([1, 2, 3, 4, 5].map((n) => ({ id: `s${n}`, version: n * 10 })));
    });
  });

  describe('aliases', () => {
    it('answers no targets for a missing alias, and for a name that is a concrete index', async () => {
      await gateway.createIndex(name('concrete'), spec('concrete'));

      expect(await gateway.getAliasTargets(name('no_alias'))).toEqual([]);
      expect(await gateway.getAliasTargets(name('concrete'))).toEqual([]);
    });

    it('moves the alias from the old index to the new one in one call', async () => {
      const alias = name('swap');
      await gateway.createIndex(`${alias}_v1`, spec(alias));
      await gateway.createIndex(`${alias}_v2`, spec(alias));
      await gateway.swapAlias({ alias, addIndex: `${alias}_v1`, removeFrom: [] });
      expect(await gateway.getAliasTargets(alias)).toEqual([`${alias}_v1`]);

      await gateway.swapAlias({ alias, addIndex: `${alias}_v2`, removeFrom: [`${alias}_v1`] });

      expect(await gateway.getAliasTargets(alias)).toEqual([`${alias}_v2`]);
    });

    it('refuses a swap whose removeFrom no longer matches the alias and leaves the alias as it was', async () => {
      const alias = name('stale_swap');
      for (const version of ['v1', 'v2', 'v3']) await gateway.createIndex(`${alias}_${version}`, spec(alias));
      await gateway.swapAlias({ alias, addIndex: `${alias}_v3`, removeFrom: [] });

      const error = await rejection(gateway.swapAlias({ alias, addIndex: `${alias}_v2`, removeFrom: [`${alias}_v1`] }));

      expect(error).toMatchObject({ code: OpenSearchGatewayExceptionCode.ALIAS_CONFLICT, transient: false });
      expect(await gateway.getAliasTargets(alias)).toEqual([`${alias}_v3`]);
    });

    it('migrates a legacy concrete index named like the alias with remove_index in the same call', async () => {
      const alias = name('legacy');
      await fetch(`${context.opensearchNode}/${alias}`, { method: 'PUT' });
      await gateway.createIndex(`${alias}_v1`, spec(alias));
      expect(await gateway.getAliasTargets(alias)).toEqual([]);

      await gateway.swapAlias({ alias, addIndex: `${alias}_v1`, removeFrom: [], removeIndex: alias });

      expect(await gateway.getAliasTargets(alias)).toEqual([`${alias}_v1`]);
      expect(await gateway.listIndices(alias)).toEqual([`${alias}_v1`]);
      expect((await gateway.getIndexMeta(alias)).definitionHash).toBe('a'.repeat(64));
    });

    it('searches through the alias, answering total, hits and failed shards', async () => {
      const alias = name('search');
      const index = `${alias}_v1`;
      await gateway.createIndex(index, spec(alias));
      await gateway.swapAlias({ alias, addIndex: index, removeFrom: [] });
      await gateway.bulk(writeAliasOf(index), [
        { action: 'index', id: '1', version: 1, document: doc('Jazz night', 'Berlin') },
        { action: 'index', id: '2', version: 1, document: doc('Jazz brunch', 'Hamburg') },
        { action: 'index', id: '3', version: 1, document: doc('Techno', 'Berlin') },
      ]);
      await gateway.refresh(alias);

      const result = await gateway.search(alias, { query: { bool: { must: { match: { title: 'jazz' } }, filter: { term: { city: 'Berlin' } } } } });

      expect(result).toEqual({ total: 1, hits: [{ id: '1', score: expect.any(Number) as unknown, source: doc('Jazz night', 'Berlin') }], failedShards: 0 });
      expect(await gateway.count(alias)).toBe(3);
    });
  });

  describe('index definitions', () => {
    const specOf = (definition: IndexDefinition): IndexSpec => ({
      mappings: definition.mappings,
      settings: { ...definition.settings, ...BULK_LOAD_SETTINGS },
      meta: { alias: name(definition.name), definitionHash: definitionHash(definition) },
    });

    it.each(demoDefinitions.map((definition) => ({ alias: definition.name, definition })))(
      'creates $alias as the code defines it (mappings, analysis, bulk-load settings), and reads it back in sync',
      async ({ definition }) => {
        const index = name(`${definition.name}_v1`);

        expect(await gateway.createIndex(index, specOf(definition))).toBe('created');

        const meta = await gateway.getIndexMeta(index);
        expect(meta.definitionHash).toBe(definitionHash(definition));
        // The structural compare, as for an index without _meta: the engine kept the mappings as the code wrote them.
        expect(compareDefinition(definitionHash(definition), definition.mappings, { ...meta, definitionHash: null })).toBe('in-sync');
        expect(meta.settings).toMatchObject({ 'index.refresh_interval': '-1', 'index.gc_deletes': '12h', 'index.analysis.analyzer.folded.tokenizer': 'standard' });
      },
    );

    const event: EventRow = {
      id: 1, version: 5, indexable: 1, title: 'Café Müller', description: 'Tanztheater', category: 'dance', startsAt: new Date('2027-03-01T19:30:00Z'),
      price: 42.5, currency: 'EUR', status: 'published', venueId: '7', venueName: 'Opernhaus', venueCity: 'Wuppertal', venueCountry: 'DE',
      venueLatitude: 51.2562, venueLongitude: 7.1508, seatsBooked: 12,
    };
    const venue: VenueRow = {
      id: 7, version: 4, indexable: 1, name: 'Théâtre du Châtelet', city: 'Paris', country: 'FR', latitude: 48.8578, longitude: 2.3469, updated_at: new Date('2026-12-01T00:00:00Z'),
    };

    const samples: { alias: string; definition: IndexDefinition; row: SourceRow; field: string; query: string }[] = [
      { alias: eventsIndex.name, definition: eventsIndex, row: event, field: 'title', query: 'cafe muller' },
      { alias: venuesIndex.name, definition: venuesIndex, row: venue, field: 'name', query: 'theatre chatelet' },
    ];

    it.each(samples)('indexes a $alias document built by the code and finds it by its folded text', async ({ definition, row, field, query }) => {
      const index = name(`${definition.name}_docs_v1`);
      await gateway.createIndex(index, specOf(definition));
      const document = definition.toDocument(row)!;

      expect(await gateway.bulk(writeAliasOf(index), [{ action: 'index', id: document.id, version: document.version, document: document.body }])).toEqual({ written: 1, staleSkipped: 0, failures: [] });
      await gateway.refresh(index);

      expect(await gateway.search(index, { query: { match: { [field]: { query, operator: 'and' } } } })).toMatchObject({ total: 1, hits: [{ id: document.id, source: document.body }] });
    });
  });

  describe('cluster info', () => {
    it('names the engine, its version, the cluster UUID and the cluster name the node reports', async () => {
      const root = (await (await fetch(`${node}/`)).json()) as { cluster_uuid: string; cluster_name: string; version: { number: string } };

      const info = await gateway.clusterInfo();

      expect(info).toEqual({ engine, version: root.version.number, clusterUuid: root.cluster_uuid, clusterName: root.cluster_name });
      expect(info.version).toMatch(version);
    });

    it('asks the node once, however often it is asked and swaps consult it', async () => {
      const alias = name('asked_once');
      await gateway.createIndex(`${alias}_v1`, spec(alias));
      await gateway.createIndex(`${alias}_v2`, spec(alias));
      await gateway.swapAlias({ alias, addIndex: `${alias}_v1`, removeFrom: [] });
      await gateway.swapAlias({ alias, addIndex: `${alias}_v2`, removeFrom: [`${alias}_v1`] });
      await Promise.all([gateway.clusterInfo(), gateway.clusterInfo()]);

      const samples = parsePrometheusText(await moduleRef.get(Metrics).registry.metrics());

      expect(sampleSum(samples, 'reindexer_opensearch_request_duration_seconds_count', { operation: 'info' })).toBe(1);
    });
  });

  describe('health', () => {
    it('reports the running node as healthy', async () => {
      expect(await gateway.isHealthy()).toBe(true);
    });

    it('reports an unreachable node as unhealthy and fails calls with a transient UNAVAILABLE', async () => {
      const unreachable = await Test.createTestingModule({
        imports: [ConfigModule.forRoot(context.config({ OPENSEARCH_NODE: 'http://127.0.0.1:1' })), OpenSearchModule],
      }).compile();
      try {
        const down = unreachable.get(SearchGateway);

        expect(await down.isHealthy()).toBe(false);
        expect(await rejection(down.count('anything'))).toMatchObject({ code: OpenSearchGatewayExceptionCode.UNAVAILABLE, transient: true, status: undefined });
        expect(await rejection(down.clusterInfo())).toMatchObject({ code: OpenSearchGatewayExceptionCode.UNAVAILABLE, transient: true });
        expect(await rejection(down.swapAlias({ alias: 'a', addIndex: 'a_v2', removeFrom: ['a_v1'] }))).toMatchObject({ code: OpenSearchGatewayExceptionCode.UNAVAILABLE });
      } finally {
        await unreachable.close();
      }
    });
  });
});
