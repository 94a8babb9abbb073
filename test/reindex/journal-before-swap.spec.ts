import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { buildJournal } from '../../src/indexing/change-journal.service.js';
import { completedJob, requestFullRebuild } from '../live-updates/rebuild-harness.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { TestContext } from '../support/test-context.js';

/**
 * A change whose dual-write keeps failing after CATCH_UP ends dead-lettered with only its
 * live write done; its journal entry is all that remains. The swap must not go live without it.
 */
describe('journal entries added after CATCH_UP', () => {
  let context: TestContext;
  let rows: JobRows;
  let app: INestApplication | undefined;
  let alias: string;

  beforeAll(async () => {
    context = await TestContext.create('journal_swap');
    rows = JobRows.connect(context.databaseUrl);
    alias = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 2000, 11);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await rows?.close();
    await context?.dispose();
  });

  it('are replayed into the new index before the alias moves to it', async () => {
    app = await startApp(context.config({ LOG_LEVEL: 'error' }));
    const first = await completedJob(app, alias);
    await app.close();
    // Each phase now waits 1.5 s before and after its work: time to act while the job sits in VERIFY.
    app = await startApp(context.config({ LOG_LEVEL: 'error', REINDEX_FAULT_PHASE_DELAY_MS: '1500' }));

    const { id } = await requestFullRebuild(app, alias);
    await rows.waitForJob(id, 'phase VERIFY', (job) => (job.status === 'RUNNING' && job.phase === 'VERIFY' ? job : undefined), 60_000);
    const [{ id: eventId }] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT 1");
    await context.sql("UPDATE events SET title = 'Changed after catch-up', version = version + 1, updated_at = NOW(3) WHERE id = ?", [eventId]);
    const store = app.get(JobStore);
    await store.appendJournal(buildJournal((await store.findJob(id))!), 'events', [{ documentId: String(eventId), reason: 'dual-write failed until dead-lettered' }]);

    const job = await completedJob(app, alias, first.id);
    expect(job.id).toBe(id);
    const [document] = await new ClusterProbe(context.opensearchNode).documents(alias, [eventId]);
    expect(document.index).toBe(job.targetIndex);
    expect(document.source?.title).toBe('Changed after catch-up');
    const swap = (await rows.transitions(id)).find((transition) => transition.fromPhase === 'ALIAS_SWAP');
    expect(swap?.reason).toMatch(/moved from .* \(1 journaled changes replayed first\)/);
  }, 120_000);
});
