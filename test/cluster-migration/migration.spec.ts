import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { ClusterMigration, Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import { SearchClusters } from '../../src/opensearch/search-clusters.js';
import { mirrorJournal } from '../../src/indexing/change-journal.service.js';
import { IndexVerifier, type VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import { ChangeStream } from '../live-updates/change-stream.js';
import { BrokerProbe } from '../live-updates/live-updates-test-app.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { SourceFactory } from '../support/factories.js';
import { SearchLoop } from '../support/search-loop.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { DEFINITION_SETS } from '../support/test-definitions.js';
import { waitFor } from '../support/wait.js';

const EVENTS = 100_000;
const CHANGES_PER_SECOND = 20;
const elasticsearch = process.env.ELASTICSEARCH_NODE;
const opensearch = process.env.OPENSEARCH_NODE!;

interface MigrationAnswer {
  migration: ClusterMigration | null;
  job: (Job & { clusterUuid: string | null }) | null;
  code?: string;
  message?: string;
}

interface ReadsAnswer {
  next: number;
  state: string | null;
  clusters: { clusterUuid: string; role: string | null; clusterName: string | null; engine: string | null; share: number }[];
}

const equalToSource = (report: VerifyReport) => ({ ...report, indexCount: report.sourceCount, missing: { total: 0, ids: [] }, stale: { total: 0, ids: [] }, extra: { total: 0, ids: [] } });

// A team leaving Elasticsearch 7.10 for OpenSearch: the current cluster is Elasticsearch, the next OpenSearch.
(elasticsearch ? describe : describe.skip)('moving search from Elasticsearch 7.10 to OpenSearch', () => {
  let context: TestContext;
  let app: INestApplication;
  let probe: BrokerProbe;
  let factory: SourceFactory;
  let events: string;
  let venues: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${await app.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as MigrationAnswer & Record<string, unknown> };
  };
  /** What a GET answers, as the type the caller expects. */
  const read = async <T>(path: string): Promise<T> => (await api('GET', path)).body as unknown as T;
  const verifyOn = (cluster: 'current' | 'next') => read<VerifyReport>(`/indices/${events}/verify?cluster=${cluster}`);
  const migrated = async () => {
    expect((await api('POST', `/indices/${events}/migrate`)).status).toBe(202);
    return migrationIn('MIRRORING');
  };
  const aliasOnCurrent = async () => app.get(SearchClusters).current.getAliasTargets(events);
  /** Changes a published event's title and publishes the change; its id. */
  const renameEvent = async (title: string, offset = 0) => {
    const [event] = await context.sql<{ id: number }>(`SELECT id FROM events WHERE status = 'published' ORDER BY id LIMIT 1 OFFSET ${offset}`);
    await context.sql('UPDATE events SET title = ?, version = version + 1 WHERE id = ?', [title, event.id]);
    await app.get(ChangePublisher).publish({ entity: 'event', id: String(event.id), op: 'upsert' });
    return event.id;
  };
  /** The title a cluster's alias holds for the document, as soon as it is searchable. */
  const titleOn = async (node: string, id: number) => {
    await fetch(`${node}/${events}/_refresh`, { method: 'POST' });
    const hit = (await (await fetch(`${node}/${events}/_doc/${id}`)).json()) as { _source?: { title?: string } };
    return hit._source?.title;
  };
  const migrationIn = (state: ClusterMigration['state']) =>
    waitFor(`the migration of ${events} ${state}`, async () => {
      const { body } = await api('GET', `/indices/${events}/migration`);
      if (body.migration?.state === 'FAILED') throw new Error(`migration failed: ${body.migration.lastError}`);
      return body.migration?.state === state ? body : undefined;
    }, 180_000, 200);
  /** Every published change applied: nothing ready or waiting for a retry, and verify through the API on both clusters finds 0 missing, 0 stale, 0 extra. */
  const bothEqualToSource = () =>
    waitFor('both clusters equal to the source', async () => {
      if ((await probe.messageCount(context.queue)) > 0 || (await probe.messageCount(`${context.queue}.retry`)) > 0) return undefined;
      const [current, next] = await Promise.all([verifyOn('current'), verifyOn('next')]);
      return current.missing.total + current.stale.total + current.extra.total + next.missing.total + next.stale.total + next.extra.total === 0 ? { current, next } : undefined;
    }, 120_000, 500);
  const aliasOnNext = async () => Object.keys((await (await fetch(`${opensearch}/_alias/${events}`)).json()) as object).filter((key) => key !== 'error' && key !== 'status');

  beforeAll(async () => {
    context = await TestContext.create('migration', { opensearchNode: elasticsearch });
    events = `${context.indexPrefix}events`;
    venues = `${context.indexPrefix}venues`;
    await seedDemoData(context.databaseUrl, EVENTS, 11);
    // As history: CATCH_UP replays what changed during the build, not the whole table.
    await context.sql('UPDATE venues SET updated_at = updated_at - INTERVAL 1 DAY');
    await context.sql('UPDATE events SET updated_at = updated_at - INTERVAL 1 DAY');
    factory = SourceFactory.connect(context.databaseUrl);
    probe = await BrokerProbe.open(context.rabbitmqUrl);
    app = await startApp(context.config({ OPENSEARCH_NEXT_NODE: opensearch, LOG_LEVEL: 'error', RABBITMQ_RETRY_DELAY_MS: '300', REINDEX_RECOVERY_INTERVAL_MS: '2000', MIGRATION_READS_GRACE_SECONDS: '2' }));
    await completedJob(app, events);
    await completedJob(app, venues);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await factory?.close();
    await context?.deleteIndices(opensearch);
    await context?.dispose();
  });

  it('builds the alias on OpenSearch under live changes, then mirrors every change: both clusters equal the source, and search on Elasticsearch never fails', async () => {
    const eventIds = (await context.sql<{ id: number }>('SELECT id FROM events')).map((row) => row.id);
    const venueIds = (await context.sql<{ id: number }>('SELECT id FROM venues')).map((row) => row.id);
    const publisher = app.get(ChangePublisher);
    const search = new SearchLoop(elasticsearch!, events, { term: { status: 'published' } });
    const stream = new ChangeStream(factory, (change) => publisher.publish(change), { eventIds, venueIds }, 1);
    stream.start(CHANGES_PER_SECOND);
    let mirroringAt = 0;
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = await api('POST', `/indices/${events}/migrate`);
      expect(started.status).toBe(202);
      expect(started.body.migration).toMatchObject({ alias: events, state: 'BUILDING', jobId: started.body.job!.id });
      const nextUuid = (await app.get(SearchClusters).next!.clusterInfo()).clusterUuid;
      expect(started.body.job).toMatchObject({ kind: 'FULL', trigger: 'MANUAL', clusterUuid: nextUuid, sourceIndex: null });

      // While it builds, the migration's build is the alias's rebuild.
      const rebuild = await api('POST', `/indices/${events}/reindex`, { mode: 'full' });
      expect(rebuild).toMatchObject({ status: 202, body: { id: started.body.job!.id, created: false, mirrorJob: null } });
      expect(await api('POST', `/indices/${events}/migrate`)).toMatchObject({ status: 409, body: { code: 'MIGRATION_CONFLICT' } });

      const mirroring = await migrationIn('MIRRORING');
      mirroringAt = Date.now();
      expect(mirroring.job).toMatchObject({ status: 'COMPLETED', clusterUuid: nextUuid });
      // Changes keep coming while it mirrors.
      await new Promise((resolve) => setTimeout(resolve, 3000));
    } finally {
      await stream.stop().catch(() => undefined);
    }
    const changes = await stream.stop();
    const searches = await search.stop();
    const { current, next } = await bothEqualToSource();

    expect(changes.publishedAt.filter((at) => at < mirroringAt).length).toBeGreaterThan(20);
    expect(changes.publishedAt.filter((at) => at > mirroringAt).length).toBeGreaterThan(20);
    expect(current).toEqual(equalToSource(current));
    expect(next).toEqual(equalToSource(next));
    expect(next.sourceCount).toBeGreaterThan(EVENTS * 0.7);
    expect(searches.failures).toEqual([]);
    expect(searches.sent).toBeGreaterThan(50);
    expect(await aliasOnNext()).toHaveLength(1);
    expect(await probe.messageCount(`${context.queue}.dlq`)).toBe(0);

    const compared = await api('POST', `/indices/${events}/compare`, { sampleSize: 10, repeat: 1 });
    expect(compared.status).toBe(200);
    expect(compared.body.summary).toMatchObject({ queries: 10, failed: 0, sameTotal: 10 });
    expect(compared.body.queries).toHaveLength(10);
  }, 600_000);

  it('keeps the writes OpenSearch refuses while it mirrors, and replays them once it takes writes again', async () => {
    const { body } = await api('GET', `/indices/${events}/migration`);
    expect(body.migration).toMatchObject({ state: 'MIRRORING' });
    const jobs = app.get(JobStore);
    // Refused writes through the alias there are journaled for the definition it serves: the build's.
    const aliasJournal = mirrorJournal(body.migration!, body.job!.definitionHash);
    const [target] = await app.get(SearchClusters).next!.getAliasTargets(events);
    const changed = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' ORDER BY id DESC LIMIT 5");
    expect((await fetch(`${opensearch}/${target}/_close`, { method: 'POST' })).ok).toBe(true);
    try {
      for (const { id } of changed) {
        await context.sql('UPDATE events SET title = ?, version = version + 1 WHERE id = ?', [`Changed while OpenSearch refused ${id}`, id]);
        await app.get(ChangePublisher).publish({ entity: 'event', id: String(id), op: 'upsert' });
      }
      const journaled = await waitFor('the refused writes journaled', async () => {
        const entries = await jobs.readJournal(aliasJournal, 0n, 100);
        return entries.length >= changed.length ? entries : undefined;
      });
      expect(new Set(journaled.map((entry) => Number(entry.documentId)))).toEqual(new Set(changed.map(({ id }) => id)));
      // The live write went through all the same: search on the current cluster already has the changes.
      const current = await app.get(IndexVerifier).verifyOn(app.get(SearchClusters).current, events);
      expect(current).toEqual(equalToSource(current));
    } finally {
      await fetch(`${opensearch}/${target}/_open?wait_for_active_shards=1`, { method: 'POST' });
    }

    const { next } = await bothEqualToSource();
    expect(next).toEqual(equalToSource(next));
    await waitFor('the replayed entries trimmed', async () => ((await jobs.readJournal(aliasJournal, 0n, 100)).length === 0 ? true : undefined));

    // A partial re-index by hand reaches the next cluster too: rows changed without any message.
    const silent = changed.map(({ id }) => id);
    await context.sql(`UPDATE events SET title = CONCAT(title, ' (silently)'), version = version + 1 WHERE id IN (${silent.join(',')})`);
    const partial = await api('POST', `/indices/${events}/reindex`, { mode: 'partial', ids: silent });
    expect(partial.status).toBe(202);
    const repaired = await bothEqualToSource();
    expect(repaired.next).toEqual(equalToSource(repaired.next));
  }, 120_000);

  it('rebuilds on both clusters when a deploy changes the definition while it mirrors, under live changes', async () => {
    const before = (await app.get(JobStore).listJobs({ alias: events, limit: 1 }))[0].id;
    await app.close();
    // The previous replica is gone for good: its definition no longer counts as deployed.
    await context.sql('DELETE FROM deployed_definitions');
    app = await startApp(context.config({ OPENSEARCH_NEXT_NODE: opensearch, LOG_LEVEL: 'error', RABBITMQ_RETRY_DELAY_MS: '300', REINDEX_RECOVERY_INTERVAL_MS: '2000', MIGRATION_READS_GRACE_SECONDS: '2' }), DEFINITION_SETS['events-with-weekday']);
    const [current, next] = [app.get(SearchClusters).current, app.get(SearchClusters).next!];
    const [currentUuid, nextUuid] = [(await current.clusterInfo()).clusterUuid, (await next.clusterInfo()).clusterUuid];
    const eventIds = (await context.sql<{ id: number }>('SELECT id FROM events')).map((row) => row.id);
    const venueIds = (await context.sql<{ id: number }>('SELECT id FROM venues')).map((row) => row.id);
    const stream = new ChangeStream(factory, (change) => app.get(ChangePublisher).publish(change), { eventIds, venueIds }, 2);
    stream.start(CHANGES_PER_SECOND);
    let rebuilt: Job[];
    try {
      rebuilt = await waitFor('the rebuilds on both clusters', async () => {
        const jobs = (await app.get(JobStore).listJobs({ alias: events, limit: 5 })).filter((job) => job.id > before);
        if (jobs.some((job) => job.status === 'FAILED' || job.status === 'CANCELLED')) throw new Error(`a rebuild ended ${jobs.map((job) => `${job.id} ${job.status}: ${job.lastError}`).join('; ')}`);
        return jobs.length === 2 && jobs.every((job) => job.status === 'COMPLETED') ? jobs : undefined;
      }, 240_000, 500);
      // Changes keep coming after both swaps.
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      await stream.stop().catch(() => undefined);
    }
    const changes = await stream.stop();
    expect(changes.publishedAt.length).toBeGreaterThan(20);
    expect(rebuilt.map((job) => job.clusterUuid).sort()).toEqual([currentUuid, nextUuid].sort());
    expect(new Set(rebuilt.map((job) => job.trigger))).toEqual(new Set(['DEPLOY']));
    const { current: onCurrent, next: onNext } = await bothEqualToSource();
    expect(onCurrent).toEqual(equalToSource(onCurrent));
    expect(onNext).toEqual(equalToSource(onNext));
    // Both serve the new definition's index, documents with the new field included.
    const newHash = rebuilt[0].definitionHash;
    for (const gateway of [current, next]) {
      const [served] = await gateway.getAliasTargets(events);
      expect((await gateway.getIndexMeta(served)).definitionHash).toBe(newHash);
    }
    for (const node of [elasticsearch!, opensearch]) {
      const count = async (query: Record<string, unknown>) =>
        ((await (await fetch(`${node}/${events}/_count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as { count: number }).count;
      expect(await count({ bool: { must_not: { exists: { field: 'weekday' } } } })).toBe(0);
      expect(await count({ exists: { field: 'weekday' } })).toBe(onCurrent.sourceCount);
    }
    expect((await api('GET', `/indices/${events}/migration`)).body.migration).toMatchObject({ state: 'MIRRORING' });
  }, 300_000);

  it('aborts a mirroring migration: the index on OpenSearch is deleted, Elasticsearch untouched and written alone; a migration in BUILDING aborts too', async () => {
    const servedBefore = await aliasOnCurrent();
    const search = new SearchLoop(elasticsearch!, events, { term: { status: 'published' } });
    const aborting = await api('POST', `/indices/${events}/migration/abort`);
    expect(aborting.status).toBe(200);
    expect(aborting.body.migration).toMatchObject({ state: 'ABORTING', lastError: 'aborted by operator', readsNextPercent: 0 });
    const aborted = await migrationIn('ABORTED');
    const searches = await search.stop();

    expect(aborted.migration).toMatchObject({ lastError: 'aborted by operator', readsNextPercent: 0, resyncedAt: null, waitingFor: null });
    expect(await aliasOnCurrent()).toEqual(servedBefore);
    expect(searches.failures).toEqual([]);
    expect(await read<ReadsAnswer>(`/indices/${events}/reads`)).toMatchObject({ next: 0, state: 'ABORTED', clusters: [{ role: 'current', engine: 'elasticsearch', share: 100 }] });
    expect(aborted.job).toMatchObject({ status: 'COMPLETED' });
    expect(await aliasOnNext()).toEqual([]);
    // Asked again: the migration as it is.
    expect(await api('POST', `/indices/${events}/migration/abort`)).toMatchObject({ status: 200, body: { migration: { id: aborted.migration!.id, state: 'ABORTED' } } });

    // Written to the current cluster alone now, and equal to the source there.
    const [event] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' ORDER BY id LIMIT 1");
    await context.sql('UPDATE events SET title = ?, version = version + 1 WHERE id = ?', ['Renamed after the abort', event.id]);
    await app.get(ChangePublisher).publish({ entity: 'event', id: String(event.id), op: 'upsert' });
    const verifier = app.get(IndexVerifier);
    const current = await waitFor('the change on the current cluster', async () => {
      const report = await verifier.verifyOn(app.get(SearchClusters).current, events);
      return report.stale.total + report.missing.total === 0 ? report : undefined;
    });
    expect(current).toEqual(equalToSource(current));
    expect(await aliasOnNext()).toEqual([]);
    expect(await aliasOnCurrent()).toEqual(servedBefore);

    // Again, aborted while it builds: its job is cancelled and what it built on OpenSearch removed.
    const restarted = await api('POST', `/indices/${events}/migrate`);
    expect(restarted.status).toBe(202);
    await waitFor('the build on the next cluster under way', async () => {
      const { body } = await api('GET', `/indices/${events}/migration`);
      return body.job?.phase === 'BACKFILL' && body.job.docsProcessed > 0 ? true : undefined;
    }, 60_000, 100);
    expect((await api('POST', `/indices/${events}/migration/abort`)).body.migration).toMatchObject({ state: 'ABORTING' });
    const abortedEarly = await migrationIn('ABORTED');
    expect(abortedEarly.job).toMatchObject({ status: 'CANCELLED' });
    const target = abortedEarly.job!.targetIndex!;
    expect(target).not.toBe(aborted.job!.targetIndex);
    expect((await fetch(`${opensearch}/${target}`, { method: 'HEAD' })).status).toBe(404);
    // Never over an index of that name on the next cluster: the swap there would delete it.
    expect((await fetch(`${opensearch}/${events}`, { method: 'PUT' })).ok).toBe(true);
    try {
      const refused = await api('POST', `/indices/${events}/migrate`);
      expect(refused).toMatchObject({ status: 409, body: { code: 'MIGRATION_REFUSED' } });
      expect(refused.body.message).toMatch(/the next cluster has an index named/);
    } finally {
      await fetch(`${opensearch}/${events}`, { method: 'DELETE' });
    }
    // The current cluster serves as before.
    expect(await aliasOnCurrent()).toEqual(servedBefore);
  }, 300_000);

  it('refuses a cutover whose searches are worse on OpenSearch, naming the query, and cuts over when approved', async () => {
    await migrated();
    const judged = await api('PUT', `/indices/${events}/queries`, { queries: [{ name: 'jazz', body: { query: { match: { title: 'jazz' } } } }] });
    expect(judged.status).toBe(200);
    // A copy that lost its jazz events on OpenSearch: counts aside, search there finds none of them.
    await fetch(`${opensearch}/${events}/_delete_by_query?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { match: { title: 'jazz' } } }) });

    const refused = await api('POST', `/indices/${events}/migration/complete`);
    expect(refused).toMatchObject({ status: 409, body: { code: 'RELEVANCE_GATE_BLOCKED', relevance: { verdict: 'blocked', failingQueries: ['jazz'], queries: [{ name: 'jazz', next: { total: 0, top: [] } }] } } });
    expect(refused.body.message).toMatch(/1 query finds nothing that found documents before: "jazz".*complete with \?approve=true/);
    expect(await read<ReadsAnswer>(`/indices/${events}/reads`)).toMatchObject({ state: 'MIRRORING' });
    expect(await api('POST', `/indices/${events}/migration/complete?approve=yes`)).toMatchObject({ status: 400 });

    const approved = await api('POST', `/indices/${events}/migration/complete?approve=true`);
    expect(approved).toMatchObject({ status: 200, body: { migration: { state: 'CUT_OVER' }, relevance: { verdict: 'approved', failingQueries: ['jazz'], approval: { by: 'admin' } } } });
    expect((await api('POST', `/indices/${events}/migration/abort`)).status).toBe(200);
    await migrationIn('ABORTED');
    // One document by id: the same answer on both engines, so the set stays out of the way of the cutovers below.
    expect((await api('PUT', `/indices/${events}/queries`, { queries: [{ name: 'one event', body: { query: { ids: { values: ['1'] } } } }] })).status).toBe(200);
  }, 300_000);

  it('shares reads, cuts over (writes to OpenSearch alone), and an abort after the cutover re-syncs Elasticsearch from MySQL', async () => {
    const clusters = app.get(SearchClusters);
    const [from, to] = [await clusters.current.clusterInfo(), await clusters.next!.clusterInfo()];
    const servedBefore = await aliasOnCurrent();
    const mirroring = await migrated();

    const shared = await api('PUT', `/indices/${events}/reads`, { next: 20 });
    expect(shared.status).toBe(200);
    expect(shared.body).toMatchObject({
      next: 20,
      state: 'MIRRORING',
      clusters: [
        { clusterUuid: from.clusterUuid, role: 'current', clusterName: from.clusterName, engine: 'elasticsearch', share: 80 },
        { clusterUuid: to.clusterUuid, role: 'next', clusterName: to.clusterName, engine: 'opensearch', share: 20 },
      ],
    });
    expect(await api('PUT', `/indices/${events}/reads`, { next: 101 })).toMatchObject({ status: 400 });
    expect(await api('PUT', `/indices/${events}/reads`, { next: '20' })).toMatchObject({ status: 400 });
    expect(await read<ReadsAnswer>(`/indices/${events}/reads`)).toMatchObject({ next: 20 });
    expect(await api('POST', `/indices/${events}/migration/retire`)).toMatchObject({ status: 409, body: { code: 'MIGRATION_NOT_CUT_OVER' } });

    const completed = await api('POST', `/indices/${events}/migration/complete`);
    expect(completed.status).toBe(200);
    expect(completed.body.migration).toMatchObject({ id: mirroring.migration!.id, state: 'CUT_OVER', readsNextPercent: 100 });
    expect(await read<ReadsAnswer>(`/indices/${events}/reads`)).toMatchObject({ next: 100, clusters: [{ share: 0 }, { share: 100 }] });
    expect(await api('PUT', `/indices/${events}/reads`, { next: 50 })).toMatchObject({ status: 409, body: { code: 'MIGRATION_NOT_MIRRORING' } });
    expect(await api('POST', `/indices/${events}/migration/complete`)).toMatchObject({ status: 409, body: { code: 'MIGRATION_NOT_MIRRORING' } });
    const listed = await read<{ alias: string; cluster: string; migration: { state: string } | null }[]>('/indices');
    expect(listed.find((row) => row.alias === events)).toMatchObject({ cluster: to.clusterUuid, migration: { state: 'CUT_OVER' } });

    // From the cutover on, a change is written to OpenSearch alone: Elasticsearch keeps the old title.
    const id = await renameEvent('Renamed after the cutover');
    await waitFor('the change on OpenSearch', async () => ((await titleOn(opensearch, id)) === 'Renamed after the cutover' ? true : undefined));
    expect(await titleOn(elasticsearch!, id)).not.toBe('Renamed after the cutover');
    const onNext = await read<VerifyReport>(`/indices/${events}/verify`);
    expect(onNext).toEqual(equalToSource(onNext));
    expect((await verifyOn('current')).stale.ids).toContain(id);

    // Abort after the cutover: back to Elasticsearch at once (reads and writes), which gets what it missed from MySQL.
    const aborting = await api('POST', `/indices/${events}/migration/abort`);
    expect(aborting.status).toBe(200);
    expect(aborting.body.migration).toMatchObject({ state: 'ABORTING', readsNextPercent: 0, resyncedAt: null });
    expect(await read<ReadsAnswer>(`/indices/${events}/reads`)).toMatchObject({ state: 'ABORTING', next: 0, clusters: [{ share: 100 }, { share: 0 }] });
    const aborted = await migrationIn('ABORTED');
    expect(aborted.migration).toMatchObject({ readsNextPercent: 0, resyncedAt: expect.any(String) as unknown, waitingFor: null });
    expect(await titleOn(elasticsearch!, id)).toBe('Renamed after the cutover');
    expect(await aliasOnNext()).toEqual([]);
    expect(await aliasOnCurrent()).toEqual(servedBefore);
    const back = await verifyOn('current');
    expect(back).toEqual(equalToSource(back));
  }, 300_000);

  it('completes and retires: the Elasticsearch index is deleted, and from then on the alias lives on OpenSearch (changes, rebuilds)', async () => {
    const clusters = app.get(SearchClusters);
    const to = await clusters.next!.clusterInfo();
    const servedBefore = await aliasOnCurrent();
    const mirroring = await migrated();
    expect((await api('PUT', `/indices/${events}/reads`, { next: 20 })).status).toBe(200);
    expect((await api('PUT', `/indices/${events}/reads`, { next: 100 })).status).toBe(200);
    expect((await api('POST', `/indices/${events}/migration/complete`)).body.migration).toMatchObject({ state: 'CUT_OVER' });

    const retiring = await api('POST', `/indices/${events}/migration/retire`);
    expect(retiring.status).toBe(200);
    expect(retiring.body.migration).toMatchObject({ id: mirroring.migration!.id, state: 'RETIRING' });
    expect(await read<ReadsAnswer>(`/indices/${events}/reads`)).toMatchObject({ state: 'RETIRING', next: 100, clusters: [{ share: 0 }, { clusterUuid: to.clusterUuid, share: 100 }] });
    await migrationIn('RETIRED');
    expect(await aliasOnCurrent()).toEqual([]);
    expect((await fetch(`${elasticsearch}/${servedBefore[0]}`, { method: 'HEAD' })).status).toBe(404);
    expect(await read<ReadsAnswer>(`/indices/${events}/reads`)).toMatchObject({ state: 'RETIRED', clusters: [{ clusterUuid: to.clusterUuid, share: 100 }] });
    expect(await api('POST', `/indices/${events}/migration/abort`)).toMatchObject({ status: 409, body: { code: 'NO_ACTIVE_MIGRATION' } });
    // Retiring again: the migration as it is.
    expect(await api('POST', `/indices/${events}/migration/retire`)).toMatchObject({ status: 200, body: { migration: { id: mirroring.migration!.id, state: 'RETIRED' } } });

    const id = await renameEvent('Renamed after the retire', 1);
    await waitFor('the change on OpenSearch', async () => ((await titleOn(opensearch, id)) === 'Renamed after the retire' ? true : undefined));
    const rebuild = await api('POST', `/indices/${events}/reindex`, { mode: 'full' });
    expect(rebuild.status).toBe(202);
    expect(rebuild.body).toMatchObject({ clusterUuid: to.clusterUuid });
    await completedJob(app, events, mirroring.job!.id);
    const rebuilt = await verifyOn('next');
    expect(rebuilt).toEqual(equalToSource(rebuilt));
    expect(await aliasOnCurrent()).toEqual([]);
  }, 300_000);
});
